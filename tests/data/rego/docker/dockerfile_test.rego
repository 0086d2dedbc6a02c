package docker.dockerfile_test

import rego.v1

import data.docker.dockerfile

good := [
	{"Cmd": "from", "Value": ["node:20-bookworm"]},
	{"Cmd": "run", "Value": ["npm ci"]},
	{"Cmd": "user", "Value": ["node"]},
]

test_good if {
	count(dockerfile.deny) == 0 with input as good
}

test_untagged_and_root if {
	dockerfile.deny == {
		"base image node has no tag or digest",
		"the image must not run as root (add USER)",
	} with input as [{"Cmd": "from", "Value": ["node"]}]
}

test_user_root_last if {
	"the image must not run as root (add USER)" in dockerfile.deny with input as array.concat(good, [{"Cmd": "user", "Value": ["root"]}])
}

test_curl_pipe_warns if {
	dockerfile.warn == {"piping curl into a shell"} with input as array.concat(good, [{"Cmd": "run", "Value": ["curl -fsSL https://example.invalid/x.sh | bash"]}])
}

test_mocked_helper if {
	count(dockerfile.deny) == 0 with input as [{"Cmd": "from", "Value": ["node:20"]}] with dockerfile.any_root as false
}
