"""The mapper's settings: the shared ones plus its two ports, read once at start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.common.settings import CommonSettings, Env, service_ports


@dataclass(frozen=True)
class MapperSettings:
    """Everything the mapper reads from the environment."""

    common: CommonSettings
    grpc_port: int
    metrics_port: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MapperSettings:
        """Parse SWITCHYARD_* variables; SettingsError names every bad one."""
        env = Env(environ)
        common = CommonSettings.read(env)
        ports = service_ports(env, "mapper")
        env.check()
        return cls(common, ports.grpc_port, ports.metrics_port)
