"""Section 1 of the Panel's monthly Operations Report (Market Entry and Exit), written from the register."""
