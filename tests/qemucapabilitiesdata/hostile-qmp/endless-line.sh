#!/bin/sh
# A hostile QEMU: one line of JSON that never ends (cut at the message limit)
# the monitor is the descriptor named by "-chardev socket,id=vvqmp,fd=N"
for a; do case $a in socket,id=vvqmp,fd=*) fd=${a##*fd=};; esac; done
greet() { echo '{"QMP": {"version": {}, "capabilities": []}}' >&"$fd"; }
printf "{\"QMP\": \"" >&"$fd"
yes | tr -d "\n" >&"$fd"
