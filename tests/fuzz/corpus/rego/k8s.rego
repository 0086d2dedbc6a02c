# Conftest-style checks for Kubernetes workloads (input: one manifest).
package k8s.deployment

import rego.v1

containers contains c if some c in input.spec.template.spec.containers

deny contains msg if {
	input.kind == "Deployment"
	some c in containers
	not c.securityContext.runAsNonRoot
	msg := sprintf("container %s must set securityContext.runAsNonRoot", [c.name])
}

deny contains msg if {
	some c in containers
	c.securityContext.privileged
	msg := sprintf("container %s must not be privileged", [c.name])
}

deny contains msg if {
	some c in containers
	endswith(c.image, ":latest")
	msg := sprintf("container %s uses the :latest tag (%s)", [c.name, c.image])
}

warn contains msg if {
	some c in containers
	not c.resources.limits.memory
	msg := sprintf("container %s has no memory limit", [c.name])
}

warn contains msg if {
	some c in containers
	mem := units.parse_bytes(c.resources.limits.memory)
	mem > units.parse_bytes("4Gi")
	msg := sprintf("container %s asks for more than 4Gi (%d bytes)", [c.name, mem])
}
