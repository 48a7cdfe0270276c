"""Each stage of validation and intake — parse, validate, store — timed and its peak memory taken, beside its floor.

python -m bench.stages [--rows 10000 100000 1000000 5000000] [--bad 0.0 0.1] [--runs 3] [--stages parse validate store]

Stages and their floors (the same input, the least the work needs, in bare polars and asyncpg):
  parse     validation.parse(data)                 pl.read_csv(io.BytesIO(data), infer_schema=False)
  validate  validation.validate_frame(frame, SPEC) floor_validation.floor(frame): the same findings in bare polars
  store     next_run_id, rows_frame, findings_frame, store_run in one transaction (as the worker does)
                                                   the same rows and findings frames in the binary COPY format
                                                   (encoded as the worker does) COPYed into plain logged tables
                                                   with primary keys (rows keyed by submission and row, findings
                                                   by an identity), no foreign keys, one transaction; and beside
                                                   it ("records"), the same frames through a bare
                                                   copy_records_to_table each
The file's bytes are stored by neither (sql.submissions.receive did that earlier; it runs untimed before each
secgov store to make the submission row, and its time is reported apart as receive_s).

Every (stage, implementation, size, bad fraction) runs in a fresh child process (bench/stages/child.py) that loads
its input from files written once. Time: the median of --runs runs after one warm-up; to keep the default sizes to
minutes, a stage gets only the runs that fit in 30 s after its warm-up (at least one), and a run longer than a
minute is measured once with no warm-up; the output marks both. Memory: the child resets its peak RSS after loading
its input (/proc/self/clear_refs) and reads it before and after the first run: the increase is the stage's peak
("peak MB"), the absolute peak is reported too. The peak is VmHWM (/proc/self/status), the figure getrusage's
ru_maxrss reports for the process's own memory: ru_maxrss itself, also recorded, cannot go below the parent's RSS at
the exec that started the child, so it does not see a child's stage below that. For each store run, the server's WAL
written, its whole-page records and the checkpoints begun are read around it (pg_stat_wal, pg_stat_bgwriter),
untimed. Writes bench/results/stages.json.
"""
