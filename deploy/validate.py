"""Validate rendered Kubernetes manifests offline: built-in kinds against the Kubernetes schemas
bundled in `kubernetes-validate`, KEDA's ScaledObject against deploy/k8s/schemas/scaledobject.json.

Usage: python deploy/validate.py RENDERED.yaml [...]   (exit 1 and one line per problem)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

KUBERNETES_VERSION = "1.30.0"  # the oldest version the manifests promise to work on
CRD_SCHEMAS = {("keda.sh/v1alpha1", "ScaledObject"): "scaledobject.json"}
SCHEMA_DIR = Path(__file__).parent / "k8s" / "schemas"


def _crd_problems(document: dict[str, Any], schema_file: str) -> list[str]:
    schema = json.loads((SCHEMA_DIR / schema_file).read_text())
    validator = jsonschema.Draft202012Validator(schema)
    return [error.message for error in validator.iter_errors(document)]


def problems(documents: list[dict[str, Any]]) -> list[str]:
    """Every schema violation in the documents, each prefixed with kind/name."""
    found = []
    for document in documents:
        label = f"{document.get('kind')}/{document.get('metadata', {}).get('name')}"
        crd = CRD_SCHEMAS.get((document.get("apiVersion"), document.get("kind")))
        if crd is not None:
            found += [f"{label}: {message}" for message in _crd_problems(document, crd)]
            continue
        try:
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as err:
            path = "/".join(str(part) for part in err.path)
            found.append(f"{label}: {path}: {err.message}")
        except kubernetes_validate.SchemaNotFoundError:
            found.append(f"{label}: no schema for {document.get('apiVersion')} (add one)")
    return found


def main(paths: list[str]) -> int:
    found = []
    for path in paths:
        documents = [d for d in yaml.safe_load_all(Path(path).read_text()) if d]
        found += [f"{path}: {problem}" for problem in problems(documents)]
        print(f"{path}: {len(documents)} resources checked", file=sys.stderr)
    print("\n".join(found) or "all valid")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
