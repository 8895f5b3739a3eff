#!/usr/bin/env bash
# Render every kustomize overlay (and the dispatcher's HPA alternative) with kubectl and
# validate the result offline against the Kubernetes schemas. Needs kubectl >= 1.27 and the
# Python package kubernetes-validate. Usage: deploy/check.sh [python]
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-${PYTHON:-.venv/bin/python}}

if ! command -v kubectl >/dev/null 2>&1; then
	echo "kubectl not found: install it (e.g. apt-get install kubernetes-client) to render the overlays" >&2
	exit 1
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for overlay in deploy/k8s/overlays/*/; do
	name=$(basename "$overlay")
	kubectl kustomize "$overlay" >"$out/$name.yaml"
done

# The HPA-on-external-metric alternative: the prod overlay with that component instead of KEDA.
# kustomize refuses absolute paths, so point at the repository relative to the temporary folder.
mkdir "$out/prod-hpa"
k8s=$("$python" -c 'import os, sys; print(os.path.relpath(*sys.argv[1:]))' deploy/k8s "$out/prod-hpa")
sed 's|components/keda-dispatcher|components/hpa-dispatcher-external|; s|\.\./\.\./|'"$k8s"'/|' \
	deploy/k8s/overlays/prod/kustomization.yaml >"$out/prod-hpa/kustomization.yaml"
kubectl kustomize "$out/prod-hpa" >"$out/prod-hpa.yaml"

"$python" deploy/validate.py "$out"/*.yaml
