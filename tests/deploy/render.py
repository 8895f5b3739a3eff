"""What the deploy tests share: rendering overlays with kubectl and reading each service's truth
(its settings class, the variables it reads, its entrypoint) from the code itself."""

from __future__ import annotations

import base64
import importlib
import importlib.util
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from services.cli.stack import MIGRATED, SERVICES

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
OVERLAYS = tuple(sorted(p.name for p in (K8S / "overlays").iterdir() if p.is_dir()))
SECRET_FIELDS = {  # CommonSettings field -> the variable a Secret carries it in
    "database_url": "SWITCHYARD_DATABASE_URL",
    "redis_url": "SWITCHYARD_REDIS_URL",
    "credentials_key": "SWITCHYARD_CREDENTIALS_KEY",
    "internal_token": "SWITCHYARD_INTERNAL_TOKEN",
}
# Stand-ins for the operator's Secret where an overlay does not generate one.
PLACEHOLDER_SECRETS = {
    "database-url": "postgresql://switchyard@postgres:5432/switchyard",
    "redis-url": "redis://redis:6379/0",
    "credentials-key": base64.b64encode(bytes(32)).decode(),
    "internal-token": "placeholder-token",
}
__all__ = ["MIGRATED", "SERVICES"]


def kubectl() -> str:
    """Path of kubectl, or a failure that says how to get it (never a silent skip)."""
    path = shutil.which("kubectl")
    if path is None:
        pytest.fail(
            "kubectl not found: the deploy tests render the kustomize overlays with it. "
            "Install kubectl >= 1.27 (e.g. `apt-get install kubernetes-client`)."
        )
    return path


@cache
def _rendered(overlay: str) -> str:
    result = subprocess.run(
        [kubectl(), "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"kubectl kustomize {overlay} failed:\n{result.stderr}"
    return result.stdout


def render(overlay: str) -> list[dict[str, Any]]:
    """The overlay's resources, as `kubectl kustomize` renders them (a fresh copy each call)."""
    return [doc for doc in yaml.safe_load_all(_rendered(overlay)) if doc]


def only(documents: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    """The one resource of that kind and name."""
    found = [d for d in documents if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
    return found[0]


def of_kind(documents: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """All resources of a kind."""
    return [d for d in documents if d["kind"] == kind]


def container_env(documents: list[dict[str, Any]], container: Mapping[str, Any]) -> dict[str, str]:
    """The environment a container starts with: its ConfigMaps, then its own env entries.

    Secret references resolve to the rendered Secret when the overlay generates one, and to
    placeholders otherwise (prod: the operator creates the Secret).
    """
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        ref = source["configMapRef"]["name"]
        env.update(only(documents, "ConfigMap", ref)["data"])
    for entry in container.get("env", []):
        if "value" in entry:
            env[entry["name"]] = entry["value"]
            continue
        ref = entry["valueFrom"]["secretKeyRef"]
        secrets = [s for s in of_kind(documents, "Secret") if s["metadata"]["name"] == ref["name"]]
        if secrets:
            env[entry["name"]] = base64.b64decode(secrets[0]["data"][ref["key"]]).decode()
        else:
            env[entry["name"]] = PLACEHOLDER_SECRETS[ref["key"]]
    return env


class RecordingEnviron(Mapping[str, str]):
    """An environment that remembers every variable the settings code asked for."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return self._values[key]

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return self._values.get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.read.add(key)
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def settings_module(service: str) -> ModuleType:
    """services.<service>.config, failing clearly when the service has none yet."""
    if importlib.util.find_spec(f"services.{service}.config") is None:
        pytest.fail(f"services/{service}/config.py is missing: nothing to check the manifest by")
    return importlib.import_module(f"services.{service}.config")


def load_settings(service: str, environ: Mapping[str, str]) -> tuple[Any, set[str]]:
    """The service's settings parsed from `environ`, and the variables it read."""
    module = settings_module(service)
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and value.__module__ == module.__name__
        and hasattr(value, "from_env")
    ]
    assert len(classes) == 1, f"expected one settings class in {module.__name__}: {classes}"
    recorder = RecordingEnviron(environ)
    return classes[0].from_env(recorder), recorder.read


def service_code(service: str) -> str:
    """All Python source of a service except its settings module."""
    folder = REPO / "services" / service
    return "\n".join(
        path.read_text() for path in sorted(folder.rglob("*.py")) if path.name != "config.py"
    )


def services_literals() -> str:
    """All Python source under services/, to find the strings metrics are declared with."""
    return "\n".join(path.read_text() for path in sorted((REPO / "services").rglob("*.py")))


def has_entrypoint(service: str) -> bool:
    """`python -m services.<service>` would find a module to run."""
    return importlib.util.find_spec(f"services.{service}.__main__") is not None


def load_validator() -> ModuleType:
    """deploy/validate.py, the offline schema check CI runs."""
    spec = importlib.util.spec_from_file_location(
        "deploy_validate", REPO / "deploy" / "validate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
