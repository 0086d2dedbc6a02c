# Conftest-style checks for Dockerfiles, over Conftest's parsed form:
# input is an array of instructions {"Cmd": "from", "Value": ["node:20"], ...}.
package docker.dockerfile

import rego.v1

from_images contains img if {
	some instr in input
	instr.Cmd == "from"
	img := instr.Value[0]
}

deny contains msg if {
	some img in from_images
	not contains(img, ":")
	not contains(img, "@")
	img != "scratch"
	msg := sprintf("base image %s has no tag or digest", [img])
}

deny contains msg if {
	some img in from_images
	endswith(img, ":latest")
	msg := sprintf("base image %s uses :latest", [img])
}

deny contains "the image must not run as root (add USER)" if {
	users := [u | some instr in input; instr.Cmd == "user"; u := instr.Value[0]]
	any_root(users)
}

any_root(users) if count(users) == 0

any_root(users) if users[count(users) - 1] in {"root", "0"}

warn contains msg if {
	some instr in input
	instr.Cmd == "run"
	regex.match(`curl[^|]*\|\s*(ba)?sh`, concat(" ", instr.Value))
	msg := "piping curl into a shell"
}
