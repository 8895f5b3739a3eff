"""The Dockerfile, .dockerignore and docker-compose.yml agree with the code they package.

Docker itself is not needed: the Dockerfile is parsed, and the wheel its build stage makes is
built here from exactly the files the build stage copies."""

from __future__ import annotations

import fnmatch
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.common.settings import DEFAULT_PORTS, SettingsError
from tests.deploy.render import MIGRATED, REPO, SERVICES, has_entrypoint, load_settings


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text())
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            pairs.append((word.upper(), rest.strip()))
    return pairs


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction in _instructions():
        if instruction[0] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def _http_port() -> int:
    settings, _ = load_settings("ingest", {})
    return int(settings.http_port)


def test_image_is_multi_stage_slim_and_runs_as_non_root() -> None:
    stages = _stages()
    assert len(stages) >= 2, "a build stage and a runtime stage"
    for stage in stages:
        assert re.match(r"python:3\.1[1-9]-slim\b", stage[0][1]), stage[0]
    runtime = stages[-1]
    users = [arguments for word, arguments in runtime if word == "USER"]
    assert users, "the runtime stage sets no USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) == 10001, "a numeric non-root uid, so runAsNonRoot can check"
    env = " ".join(arguments for word, arguments in runtime if word == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    copies = [arguments for word, arguments in runtime if word == "COPY"]
    assert not copies, f"the runtime stage copies sources instead of installing a wheel: {copies}"


def test_image_leaves_out_the_local_extra() -> None:
    for word, arguments in _instructions():
        if word == "RUN" and "pip" in arguments:
            assert not re.search(r"\[[^\]]*\blocal\b", arguments), arguments


def test_image_exposes_every_port_the_services_listen_on() -> None:
    exposed = {
        int(port.split("/")[0])
        for word, arguments in _instructions()
        if word == "EXPOSE"
        for port in arguments.split()
    }
    listening = {port for pair in DEFAULT_PORTS.values() for port in pair} | {_http_port()}
    assert exposed == listening
    assert set(DEFAULT_PORTS) == set(SERVICES)


def _build_sources() -> list[str]:
    """What the build stage copies from the build context."""
    sources = []
    for word, arguments in _stages()[0]:
        if word == "COPY" and "--from" not in arguments:
            sources += shlex.split(arguments)[:-1]
    return sources


def test_dockerignore_lets_in_exactly_what_the_build_copies() -> None:
    patterns = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def sent(path: str) -> bool:
        keep = True
        for pattern in patterns:
            negated = pattern.startswith("!")
            body = pattern.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, body) or path.startswith(body + "/"):
                keep = negated
        return keep

    for source in _build_sources():
        assert sent(source.rstrip("/")), f".dockerignore hides {source}, which the build copies"
    for private in (".venv", ".git", ".data", "tests", "bench"):
        assert not sent(private), f".dockerignore sends {private} into the build"


def test_wheel_built_from_the_copied_files_carries_every_service(tmp_path: Path) -> None:
    context = tmp_path / "context"
    context.mkdir()
    for source in _build_sources():
        origin = REPO / source.rstrip("/")
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        if origin.is_dir():
            shutil.copytree(origin, context / origin.name, ignore=ignore)
        else:
            shutil.copy(origin, context / origin.name)
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"),
            *("--wheel-dir", str(tmp_path / "wheels"), str(context)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = (tmp_path / "wheels").glob("switchyard-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    needed = {
        path.relative_to(REPO).as_posix()
        for path in (REPO / "services").rglob("*")
        if path.suffix == ".sql" and "__pycache__" not in path.parts
    }
    needed |= {f"services/{service}/__main__.py" for service in SERVICES}
    assert needed - names == set(), "the image would lack these files"
    assert any(name.startswith("switchyard/v1/") for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "switchyard = services.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return loaded


def test_compose_runs_each_service_with_settings_it_accepts() -> None:
    services = _compose()["services"]
    for service in SERVICES:
        spec = services[service]
        assert spec["command"] == ["python", "-m", f"services.{service}"]
        assert has_entrypoint(service)
        assert spec["read_only"] is True and spec["user"].split(":")[0] == "10001"
        environment = {k: str(v) for k, v in spec["environment"].items()}
        try:
            settings, read = load_settings(service, environment)
        except SettingsError as err:
            pytest.fail(f"compose {service} would not start: {err}")
        assert set(environment) - read == set(), f"{service} ignores some of its environment"
        assert spec["healthcheck"]["test"][-1] == str(settings.grpc_port)
        assert spec["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        for variable in ("REGISTRY", "MAPPER", "DISPATCHER", "INGEST"):
            host, port = environment[f"SWITCHYARD_{variable}_ADDRESS"].rsplit(":", 1)
            target, _ = load_settings(host, {})
            assert host in services and int(port) == target.grpc_port
    published = {p.split(":")[1] for p in services["ingest"]["ports"]}
    assert str(_http_port()) in published


def test_compose_migrates_every_service_with_a_database() -> None:
    command = " ".join(_compose()["services"]["migrate"]["command"])
    steps = re.findall(r"python -m services\.(\w+) migrate", command)
    assert steps == list(MIGRATED)
