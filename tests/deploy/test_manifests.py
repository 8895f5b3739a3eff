"""The rendered Kubernetes manifests agree with what each service really reads and serves."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from typing import Any

import pytest

from services.common.settings import SettingsError
from tests.deploy.render import (
    MIGRATED,
    OVERLAYS,
    REPO,
    SECRET_FIELDS,
    SERVICES,
    container_env,
    has_entrypoint,
    kubectl,
    load_settings,
    load_validator,
    of_kind,
    only,
    render,
    service_code,
    services_literals,
)

PROBES = ("startupProbe", "readinessProbe", "livenessProbe")


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, "one container per service pod"
    return dict(containers[0])


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels and matchExpressions In/NotIn) picks `labels`."""
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        value = labels.get(expression["key"])
        if expression["operator"] == "In" and value not in expression["values"]:
            return False
        if expression["operator"] == "NotIn" and value in expression["values"]:
            return False
    return True


def test_check_script_renders_and_validates_every_overlay() -> None:
    kubectl()
    result = subprocess.run(
        [str(REPO / "deploy" / "check.sh"), sys.executable],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for overlay in (*OVERLAYS, "prod-hpa"):
        assert f"/{overlay}.yaml:" in result.stderr, f"{overlay} was not checked"


def test_validator_rejects_what_the_schemas_forbid() -> None:
    validator = load_validator()
    documents = render("prod")
    assert validator.problems(documents) == []

    # One fault per copy: the Kubernetes validator reports a resource's first problem.
    bad_port = copy.deepcopy(only(documents, "Deployment", "mapper"))
    bad_port["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "grpc"
    typo = copy.deepcopy(only(documents, "Deployment", "ingest"))
    probe = typo["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]
    probe["grcp"] = probe.pop("grpc")
    scaled = copy.deepcopy(only(documents, "ScaledObject", "dispatcher"))
    del scaled["spec"]["triggers"][0]["metadata"]["query"]
    unknown = {"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "x"}}

    found = validator.problems([bad_port, typo, scaled, unknown])
    assert any("Deployment/mapper" in p and "containerPort" in p for p in found), found
    assert any("Deployment/ingest" in p and "grcp" in p for p in found), found
    assert any("ScaledObject/dispatcher" in p and "query" in p for p in found), found
    assert any("Gadget/x" in p and "no schema" in p for p in found), found


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_deployment_matches_what_the_service_reads(overlay: str, service: str) -> None:
    documents = render(overlay)
    deployment = only(documents, "Deployment", service)
    container = _container(deployment)
    assert container["command"] == ["python", "-m", f"services.{service}"]
    assert has_entrypoint(service), f"services/{service}/__main__.py is missing"

    env = container_env(documents, container)
    try:
        settings, read = load_settings(service, env)
    except SettingsError as err:
        pytest.fail(f"{overlay}/{service} would not start: {err}")
    unread = {name for name in env if name.startswith("SWITCHYARD_")} - read
    assert not unread, f"{service} never reads {sorted(unread)}"

    for field, variable in SECRET_FIELDS.items():
        if re.search(rf"\.{field}\b", service_code(service)):
            assert getattr(settings.common, field), f"{service} uses {field}: set {variable}"
    if "SWITCHYARD_INTERNAL_TOKEN" not in env:
        pytest.fail(f"{service} would run with the development internal token")

    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    expected = {"grpc": settings.grpc_port, "metrics": settings.metrics_port}
    if hasattr(settings, "http_port"):
        expected["http"] = settings.http_port
    assert ports == expected
    for probe in PROBES:
        assert container[probe]["grpc"]["port"] == settings.grpc_port, probe
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(settings.metrics_port)

    pod = deployment["spec"]["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] > settings.common.shutdown_grace_seconds
    assert settings.common.log_format == "json"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_run_locked_down_with_requests_and_limits(overlay: str) -> None:
    documents = render(overlay)
    workloads = [d for d in (*of_kind(documents, "Deployment"), *of_kind(documents, "Job"))]
    ours = [d for d in workloads if d["metadata"]["name"] in (*SERVICES, "switchyard-migrate")]
    assert len(ours) == len(SERVICES) + 1
    for workload in ours:
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 10001
        for container in (*pod.get("initContainers", []), *pod["containers"]):
            name = f"{workload['metadata']['name']}/{container['name']}"
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
            for kind in ("requests", "limits"):
                assert set(container["resources"][kind]) == {"cpu", "memory"}, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_addresses_name_headless_services_on_their_grpc_ports(overlay: str) -> None:
    documents = render(overlay)
    env = container_env(documents, _container(only(documents, "Deployment", "ingest")))
    for service in SERVICES:
        address = env[f"SWITCHYARD_{service.upper()}_ADDRESS"]
        match = re.fullmatch(r"dns:///([a-z-]+)\.([a-z-]+)\.svc\.cluster\.local:(\d+)", address)
        assert match, f"{address} is not dns:///<service>.<namespace>.svc.cluster.local:<port>"
        name, namespace, port = match.group(1), match.group(2), int(match.group(3))
        target = only(documents, "Service", name)
        assert target["metadata"]["namespace"] == namespace
        assert port in [p["port"] for p in target["spec"]["ports"]]
        assert _selects(target["spec"]["selector"], {"app.kubernetes.io/name": service})
        settings, _ = load_settings(service, env)
        assert port == settings.grpc_port
        if service != "ingest":  # ingest is reached from outside, through its ClusterIP
            assert target["spec"]["clusterIP"] == "None", f"{name} must be headless"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_has_a_disruption_budget_and_scaling(overlay: str) -> None:
    documents = render(overlay)
    for service in SERVICES:
        labels = only(documents, "Deployment", service)["spec"]["template"]["metadata"]["labels"]
        budgets = [
            b
            for b in of_kind(documents, "PodDisruptionBudget")
            if _selects(b["spec"]["selector"], labels)
        ]
        assert len(budgets) == 1, f"{service} needs one PodDisruptionBudget"
    for service in ("ingest", "mapper"):
        hpa = only(documents, "HorizontalPodAutoscaler", service)
        assert hpa["spec"]["scaleTargetRef"]["name"] == service
        assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
        assert "replicas" not in only(documents, "Deployment", service)["spec"]


def test_dispatcher_scales_on_a_queue_metric_the_dispatcher_exports() -> None:
    documents = render("prod")
    scaled = only(documents, "ScaledObject", "dispatcher")
    assert scaled["spec"]["scaleTargetRef"]["name"] == "dispatcher"
    assert scaled["spec"]["minReplicaCount"] >= 2  # it also answers ingest's Enqueue
    assert "replicas" not in only(documents, "Deployment", "dispatcher")["spec"]
    code = services_literals()
    for trigger in scaled["spec"]["triggers"]:
        names = re.findall(r"switchyard_[a-z0-9_]+", trigger["metadata"]["query"])
        assert names, trigger
        for name in names:
            assert f'"{name}"' in code, f"no metric {name} is declared in services/"
    alternative = (REPO / "deploy/k8s/components/hpa-dispatcher-external/hpa.yaml").read_text()
    for name in re.findall(r"switchyard_[a-z0-9_]+", alternative):
        assert f'"{name}"' in code, f"no metric {name} is declared in services/"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_migrations_job_migrates_every_service_with_a_database(overlay: str) -> None:
    documents = render(overlay)
    job = only(documents, "Job", "switchyard-migrate")["spec"]["template"]["spec"]
    steps = [*job.get("initContainers", []), *job["containers"]]
    commands = [step["command"] for step in steps]
    with_migrations = [s for s in SERVICES if (REPO / "services" / s / "migrations").is_dir()]
    assert sorted(with_migrations) == sorted(MIGRATED)
    assert commands == [["python", "-m", f"services.{s}", "migrate"] for s in MIGRATED]
    for service, step in zip(MIGRATED, steps, strict=True):
        main = (REPO / "services" / service / "__main__.py").read_text()
        assert '"migrate"' in main, f"services.{service} has no migrate command"
        settings, _ = load_settings(service, container_env(documents, step))
        assert settings.common.database_url, f"{service} would migrate without a database"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_ingest_takes_traffic_from_outside(overlay: str) -> None:
    documents = render(overlay)
    policies = of_kind(documents, "NetworkPolicy")
    deny = [p for p in policies if p["spec"]["podSelector"] == {} and not p["spec"].get("ingress")]
    assert deny and deny[0]["spec"]["policyTypes"] == ["Ingress"], "no default-deny policy"
    for service in SERVICES:
        labels = only(documents, "Deployment", service)["spec"]["template"]["metadata"]["labels"]
        open_rules = [
            rule
            for policy in policies
            if _selects(policy["spec"]["podSelector"], labels)
            for rule in policy["spec"].get("ingress", [])
            if not rule.get("from")
        ]
        if service == "ingest":
            ports = {p["port"] for rule in open_rules for p in rule["ports"]}
            assert ports == {"http", "grpc"}
        else:
            assert open_rules == [], f"{service} is reachable from anywhere"
