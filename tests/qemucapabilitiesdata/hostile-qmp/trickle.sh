#!/bin/sh
# A hostile QEMU: a byte every 10 ms, never a newline: the deadline still ends the wait
# the monitor is the descriptor named by "-chardev socket,id=vvqmp,fd=N"
for a; do case $a in socket,id=vvqmp,fd=*) fd=${a##*fd=};; esac; done
greet() { echo '{"QMP": {"version": {}, "capabilities": []}}' >&"$fd"; }
while :; do printf x >&"$fd" || exit; sleep 0.01; done
