#!/bin/sh
# A hostile QEMU: events without end while the client waits for an answer
# the monitor is the descriptor named by "-chardev socket,id=vvqmp,fd=N"
for a; do case $a in socket,id=vvqmp,fd=*) fd=${a##*fd=};; esac; done
greet() { echo '{"QMP": {"version": {}, "capabilities": []}}' >&"$fd"; }
greet
yes "{\"event\": \"FLOOD\", \"data\": {}, \"timestamp\": {\"seconds\": 0, \"microseconds\": 0}}" >&"$fd"
