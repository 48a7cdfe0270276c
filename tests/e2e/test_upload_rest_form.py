"""The REST upload as an HTML form would send it (multipart/form-data, the file in field `file`): the bytes are read
once, within the size limit, and the form is parsed from them through Starlette's public Request."""

from __future__ import annotations

from tests.support.reports import csv_bytes

SR = "user_id,forecast,actual"


async def test_a_form_upload_stores_the_file_part_verbatim_with_its_name(client, api_keys, pool):
    dcc = await api_keys.get("dcc")
    body = csv_bytes(SR, "ASE001,10,11")
    r = await client.post(
        "/api/v1/reports/SR_VARIANCE/2019-01",
        files={"file": ("variance-2019-01.csv", body, "text/csv")},
        headers={"Authorization": f"Bearer {dcc}"},
    )
    assert r.status_code == 202, r.text
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT s.filename, s.content_type, f.content FROM submissions s "
            "JOIN submission_files f ON f.submission_id = s.id"
        )
    assert (row["filename"], row["content_type"], bytes(row["content"])) == ("variance-2019-01.csv", "text/csv", body)


async def test_a_form_without_a_file_field_is_refused_naming_the_field(client, api_keys, pool):
    dcc = await api_keys.get("dcc")
    r = await client.post(
        "/api/v1/reports/SR_VARIANCE/2019-01",
        files={"upload": ("x.csv", csv_bytes(SR, "ASE001,1,1"), "text/csv")},
        headers={"Authorization": f"Bearer {dcc}"},
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "INVALID_INPUT"
    assert "'file'" in r.json()["error"]["message"]
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM submissions") == 0
