package k8s.deployment_test

import rego.v1

import data.k8s.deployment

good := {
	"kind": "Deployment",
	"spec": {"template": {"spec": {"containers": [{
		"name": "api",
		"image": "registry.local/api:1.2.3",
		"securityContext": {"runAsNonRoot": true},
		"resources": {"limits": {"memory": "512Mi"}},
	}]}}},
}

test_good_passes if {
	count(deployment.deny) == 0 with input as good
	count(deployment.warn) == 0 with input as good
}

test_root_denied if {
	c := object.remove(good.spec.template.spec.containers[0], {"securityContext"})
	bad := {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [c]}}}}
	deployment.deny == {"container api must set securityContext.runAsNonRoot"} with input as bad
}

test_latest_denied if {
	some msg in deployment.deny with input as object.union(good, {"spec": {"template": {"spec": {"containers": [{
		"name": "api",
		"image": "nginx:latest",
		"securityContext": {"runAsNonRoot": true},
		"resources": {"limits": {"memory": "512Mi"}},
	}]}}}})
	contains(msg, ":latest")
}

test_big_memory_warns if {
	c := object.union(good.spec.template.spec.containers[0], {"resources": {"limits": {"memory": "8Gi"}}})
	manifest := {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [c]}}}}
	deployment.warn == {"container api asks for more than 4Gi (8589934592 bytes)"} with input as manifest
}
