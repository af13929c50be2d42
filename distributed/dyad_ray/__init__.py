"""dyad on a Ray cluster: `python -m dyad_ray score --address ADDR INPUT... -o DATASET/ --shards N`.

Ray schedules one task per shard; each task runs the node's own `dyad score --shard I/N
--resume` into the shared DATASET/ directory. A task whose worker dies is retried by Ray and
its retry resumes from the parts already written, so no row is lost or written twice. dyad
itself stays one binary: this package only plans shards, launches them and gathers.
"""
from .score import plan_shards, score_on_ray  # noqa: F401
