// A tiny program whose only purpose is to carry Go build information
// (module, dependencies, a replacement) for cgate's tests.
package main

import (
	"os"

	"example.com/greet"
	"example.com/localdep"
	log "example.com/oldlog"
)

func main() {
	os.Stdout.WriteString(greet.Hello() + log.Prefix() + localdep.Name() + "\n")
}
