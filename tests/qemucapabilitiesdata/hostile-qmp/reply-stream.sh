#!/bin/sh
# A hostile QEMU: well-formed lines that never answer the command (cut at the bytes limit)
# the monitor is the descriptor named by "-chardev socket,id=vvqmp,fd=N"
for a; do case $a in socket,id=vvqmp,fd=*) fd=${a##*fd=};; esac; done
greet() { echo '{"QMP": {"version": {}, "capabilities": []}}' >&"$fd"; }
greet
pad=$(head -c 1048576 /dev/zero | tr "\0" "x")
while :; do printf "{\"return\": \"%s\", \"id\": \"not-ours\"}\n" "$pad" || exit; done >&"$fd"
