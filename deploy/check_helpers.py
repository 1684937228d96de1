#!/usr/bin/env python3
"""The parts of deploy/check that need parsing: which manifests are built-in kinds, kustomization sanity,
the custom resources (KEDA, Prometheus operator) against small schemas of our own, the PrometheusRule
wrapper against the plain rules file, and the metric-name cross-check against Sources/.

Each subcommand prints what it found and exits 1 on a failure. Run from the repository root."""

import glob
import json
import os
import re
import sys

import jsonschema
import yaml

K8S = "deploy/k8s"
RULES = "deploy/monitoring/rsc-alerts.rules.yml"
DASHBOARD = "deploy/monitoring/grafana-dashboard.json"
PROMETHEUS_RULE = "deploy/k8s/base/prometheusrule.yaml"

# Custom resources we ship, and the API groups kubernetes-validate has no schema for.
CUSTOM_GROUPS = {"keda.sh", "monitoring.coreos.com"}


def load_documents(path):
    with open(path, encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


def manifest_files():
    """Every resource YAML under deploy/k8s, kustomization files excluded."""
    files = sorted(glob.glob(f"{K8S}/**/*.yaml", recursive=True) + glob.glob(f"{K8S}/**/*.yml", recursive=True))
    return [f for f in files if os.path.basename(f) not in ("kustomization.yaml", "kustomization.yml")]


def group_of(api_version):
    return api_version.split("/")[0] if "/" in api_version else ""


def patch_files():
    """Files kustomizations use as patches: partial resources, checked only in the kustomize builds."""
    patches = set()
    for path in glob.glob(f"{K8S}/**/kustomization.yaml", recursive=True):
        folder = os.path.dirname(path)
        for k in load_documents(path):
            entries = [p["path"] for p in k.get("patches", []) if isinstance(p, dict) and "path" in p]
            entries += list(k.get("patchesStrategicMerge", []))
            patches.update(os.path.normpath(os.path.join(folder, e)) for e in entries)
    return patches


def builtin_files():
    """Complete manifests whose every document is a built-in kind (for kubernetes-validate)."""
    patches = patch_files()
    for path in manifest_files():
        if os.path.normpath(path) in patches:
            continue
        docs = load_documents(path)
        if docs and all(group_of(str(d.get("apiVersion", ""))) not in CUSTOM_GROUPS for d in docs):
            print(path)


# --- kustomizations ----------------------------------------------------------------------------------

def kustomizations():
    failures = []
    found = sorted(glob.glob(f"{K8S}/**/kustomization.yaml", recursive=True))
    for path in found:
        folder = os.path.dirname(path)
        docs = load_documents(path)
        if len(docs) != 1 or docs[0].get("kind") != "Kustomization":
            failures.append(f"{path}: not a single Kustomization document")
            continue
        k = docs[0]
        listed = []
        listed += [("resource", r) for r in k.get("resources", [])]
        listed += [("component", c) for c in k.get("components", [])]
        listed += [("patch", p["path"]) for p in k.get("patches", []) if isinstance(p, dict) and "path" in p]
        listed += [("patch", p) for p in k.get("patchesStrategicMerge", [])]
        for generator in k.get("configMapGenerator", []) + k.get("secretGenerator", []):
            listed += [("generator file", f.split("=", 1)[-1]) for f in generator.get("files", [])]
        referenced = set()
        for what, entry in listed:
            target = os.path.normpath(os.path.join(folder, entry))
            referenced.add(target)
            if os.path.isdir(target):
                if not os.path.exists(os.path.join(target, "kustomization.yaml")):
                    failures.append(f"{path}: {what} {entry} is a folder without kustomization.yaml")
            elif not os.path.isfile(target):
                failures.append(f"{path}: {what} {entry} does not exist")
        # A manifest beside the kustomization that it does not list is never applied: say so.
        for candidate in sorted(glob.glob(f"{folder}/*.yaml")):
            if os.path.basename(candidate) != "kustomization.yaml" and os.path.normpath(candidate) not in referenced:
                failures.append(f"{path}: {os.path.basename(candidate)} sits beside it but is not listed")
        print(f"  {path}: {len(listed)} entries, all present" if not any(f.startswith(path) for f in failures) else f"  {path}: problems")
    for failure in failures:
        print(f"  FAIL {failure}")
    return 1 if failures else 0


# --- custom resources --------------------------------------------------------------------------------

def _object(properties, required=(), additional=False):
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": additional}


METADATA = _object({
    "name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
    "namespace": {"type": "string"},
    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
}, required=["name"])

STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}

# KEDA 2.x ScaledObject: the fields we use, each checked; trigger metadata values must be strings.
SCALED_OBJECT = _object({
    "apiVersion": {"const": "keda.sh/v1alpha1"},
    "kind": {"const": "ScaledObject"},
    "metadata": METADATA,
    "spec": _object({
        "scaleTargetRef": _object({
            "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "name": {"type": "string"},
            "envSourceContainerName": {"type": "string"},
        }, required=["name"]),
        "minReplicaCount": {"type": "integer", "minimum": 0},
        "maxReplicaCount": {"type": "integer", "minimum": 1},
        "idleReplicaCount": {"type": "integer", "minimum": 0},
        "pollingInterval": {"type": "integer", "minimum": 1},
        "cooldownPeriod": {"type": "integer", "minimum": 0},
        "fallback": {"type": "object"},
        "advanced": _object({
            "restoreToOriginalReplicaCount": {"type": "boolean"},
            "horizontalPodAutoscalerConfig": _object({
                "name": {"type": "string"},
                "behavior": _object({"scaleUp": {"type": "object"}, "scaleDown": {"type": "object"}}),
            }),
        }),
        "triggers": {"type": "array", "minItems": 1, "items": _object({
            "type": {"type": "string"},
            "name": {"type": "string"},
            "metadata": STRING_MAP,
            "authenticationRef": _object({"name": {"type": "string"}, "kind": {"type": "string"}}, required=["name"]),
            "metricType": {"enum": ["AverageValue", "Value", "Utilization"]},
        }, required=["type", "metadata"])},
    }, required=["scaleTargetRef", "triggers"]),
}, required=["apiVersion", "kind", "metadata", "spec"])

ENDPOINT = _object({
    "port": {"type": "string"}, "targetPort": {}, "path": {"type": "string"}, "scheme": {"enum": ["http", "https"]},
    "interval": {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"},
    "scrapeTimeout": {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"},
    "honorLabels": {"type": "boolean"}, "relabelings": {"type": "array"}, "metricRelabelings": {"type": "array"},
    "tlsConfig": {"type": "object"}, "bearerTokenSecret": {"type": "object"},
})

SERVICE_MONITOR = _object({
    "apiVersion": {"const": "monitoring.coreos.com/v1"},
    "kind": {"const": "ServiceMonitor"},
    "metadata": METADATA,
    "spec": _object({
        "jobLabel": {"type": "string"},
        "selector": _object({"matchLabels": STRING_MAP, "matchExpressions": {"type": "array"}}),
        "namespaceSelector": {"type": "object"},
        "endpoints": {"type": "array", "minItems": 1, "items": ENDPOINT},
        "podTargetLabels": {"type": "array", "items": {"type": "string"}},
        "targetLabels": {"type": "array", "items": {"type": "string"}},
    }, required=["selector", "endpoints"]),
}, required=["apiVersion", "kind", "metadata", "spec"])

PROMETHEUS_RULE_SCHEMA = _object({
    "apiVersion": {"const": "monitoring.coreos.com/v1"},
    "kind": {"const": "PrometheusRule"},
    "metadata": METADATA,
    "spec": _object({"groups": {"type": "array", "minItems": 1}}, required=["groups"]),
}, required=["apiVersion", "kind", "metadata", "spec"])

SCHEMAS = {
    ("keda.sh/v1alpha1", "ScaledObject"): SCALED_OBJECT,
    ("monitoring.coreos.com/v1", "ServiceMonitor"): SERVICE_MONITOR,
    ("monitoring.coreos.com/v1", "PrometheusRule"): PROMETHEUS_RULE_SCHEMA,
}


def custom_resources():
    failures = []
    checked = 0
    for path in manifest_files():
        for doc in load_documents(path):
            api, kind = str(doc.get("apiVersion", "")), str(doc.get("kind", ""))
            if group_of(api) not in CUSTOM_GROUPS:
                continue
            schema = SCHEMAS.get((api, kind))
            if schema is None:
                failures.append(f"{path}: {kind} ({api}) has no schema in deploy/check_helpers.py")
                continue
            errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
            for error in errors:
                where = ".".join(str(p) for p in error.path) or "(top)"
                failures.append(f"{path}: {kind}/{doc.get('metadata', {}).get('name')}: {where}: {error.message}")
            if kind == "ScaledObject":
                failures += scaled_object_rules(path, doc)
            checked += 1
    for failure in failures:
        print(f"  FAIL {failure}")
    print(f"  {checked} custom resources checked against deploy/check_helpers.py's schemas")
    return 1 if failures else 0


def scaled_object_rules(path, doc):
    """What ties the ScaledObject to the code and to the topics."""
    failures = []
    spec = doc["spec"]
    if spec.get("minReplicaCount", 0) < 1:
        failures.append(f"{path}: minReplicaCount must be at least 1 (live changes never wait for a cold start)")
    for trigger in spec["triggers"]:
        if trigger["type"] != "kafka":
            continue
        metadata = trigger["metadata"]
        if metadata.get("consumerGroup") != "rsc-outbound":
            failures.append(f"{path}: kafka trigger consumerGroup must be rsc-outbound (the worker's default group)")
        if "bootstrapServers" not in metadata and "bootstrapServersFromEnv" not in metadata:
            failures.append(f"{path}: kafka trigger needs bootstrapServers or bootstrapServersFromEnv")
    return failures


# --- PrometheusRule wrapper ----------------------------------------------------------------------------

WRAPPER_HEADER = """\
# GENERATED from deploy/monitoring/rsc-alerts.rules.yml by `deploy/check --regenerate`: edit that file,
# then regenerate. deploy/check fails when the two differ.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: rsc-worker-fleet
  labels:
    app.kubernetes.io/name: rsc-worker-fleet
spec:
"""


def wrapper_text():
    with open(RULES, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("groups:"))
    body = "\n".join(("  " + line) if line.strip() else "" for line in lines[start:])
    return WRAPPER_HEADER + body + "\n"


def prometheus_rule(regenerate=False):
    if regenerate:
        with open(PROMETHEUS_RULE, "w", encoding="utf-8") as handle:
            handle.write(wrapper_text())
        print(f"  wrote {PROMETHEUS_RULE}")
    rules = load_documents(RULES)[0]
    if not os.path.exists(PROMETHEUS_RULE):
        print(f"  FAIL {PROMETHEUS_RULE} is missing; run deploy/check --regenerate")
        return 1
    wrapper = load_documents(PROMETHEUS_RULE)[0]
    if wrapper.get("spec", {}).get("groups") != rules["groups"]:
        print(f"  FAIL {PROMETHEUS_RULE} differs from {RULES}; run deploy/check --regenerate")
        return 1
    print(f"  {PROMETHEUS_RULE} carries the same groups as {RULES}")
    return 0


# --- metric names ------------------------------------------------------------------------------------

METRIC = re.compile(r"(?<![A-Za-z0-9_:])(rsc_[a-z0-9_]+)")


def source_metric_names():
    names = set()
    for path in glob.glob("Sources/**/*.swift", recursive=True):
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        names.update(re.findall(r'label:\s*"(rsc_[a-z0-9_]+)"', text))
        names.update(re.findall(r'"(rsc_[a-z0-9_]+)"', text))
    return names


def used_metric_names():
    used = {}

    def note(expr, where):
        for name in METRIC.findall(expr):
            used.setdefault(name, set()).add(where)

    for group in load_documents(RULES)[0]["groups"]:
        for rule in group["rules"]:
            note(rule["expr"], f"{RULES} ({rule.get('alert') or rule.get('record')})")
    with open(DASHBOARD, encoding="utf-8") as handle:
        dashboard = json.load(handle)

    def walk_panels(panels):
        for panel in panels:
            for target in panel.get("targets", []):
                note(target.get("expr", ""), f"{DASHBOARD} ({panel.get('title')})")
            walk_panels(panel.get("panels", []))

    walk_panels(dashboard.get("panels", []))
    for variable in dashboard.get("templating", {}).get("list", []):
        query = variable.get("query")
        note(query.get("query", "") if isinstance(query, dict) else str(query or ""), f"{DASHBOARD} (${variable.get('name')})")
    return used


def metrics():
    defined = source_metric_names()
    used = used_metric_names()
    missing = {}
    for name, places in sorted(used.items()):
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        if name in defined or base in defined:
            continue
        missing[name] = places
    print(f"  {len(used)} rsc_* names used by the alert rules and the dashboard; {len(defined)} defined in Sources/")
    if missing:
        print(f"  FAIL {len(missing)} metric names are used but not defined in Sources/ "
              '(no label: "NAME" or "NAME" string):')
        for name, places in missing.items():
            print(f"    {name}    used in: {'; '.join(sorted(places))}")
        print("  missing: " + " ".join(missing))
        return 1
    return 0


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "builtin-files":
        builtin_files()
        return 0
    if command == "kustomizations":
        return kustomizations()
    if command == "custom-resources":
        return custom_resources()
    if command == "prometheus-rule":
        return prometheus_rule(regenerate="--regenerate" in argv)
    if command == "metrics":
        return metrics()
    print(f"usage: {argv[0]} builtin-files|kustomizations|custom-resources|prometheus-rule [--regenerate]|metrics",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
