"""Switchyard's four services, their shared runtime and the `switchyard` command."""

import os

# gRPC's C core writes INFO lines ("Got goaway", fork-handler notes) straight to stderr, outside
# our structured logs; keep only its errors unless an operator asks for more. This runs before
# any module of ours imports grpc.
os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
