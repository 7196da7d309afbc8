#!/bin/sh
# A hostile QEMU: a 500 MB answer to qmp_capabilities on one line (cut at the message limit)
# the monitor is the descriptor named by "-chardev socket,id=vvqmp,fd=N"
for a; do case $a in socket,id=vvqmp,fd=*) fd=${a##*fd=};; esac; done
greet() { echo '{"QMP": {"version": {}, "capabilities": []}}' >&"$fd"; }
greet
{ printf "{\"return\": \""; head -c 500000000 /dev/zero | tr "\0" "x"; echo "\"}"; } >&"$fd"
