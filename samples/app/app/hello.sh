#!/bin/sh
# The sample application: it only says hello.
echo "hello from the cgate sample image"
