"""The Operations Group's monthly table of DCC reports: its model, its words and its renderers (pure)."""
