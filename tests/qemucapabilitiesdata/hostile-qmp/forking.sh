#!/bin/sh
# A hostile QEMU: leaves a child holding the monitor and exits: noticed at once, the child is killed
# the monitor is the descriptor named by "-chardev socket,id=vvqmp,fd=N"
for a; do case $a in socket,id=vvqmp,fd=*) fd=${a##*fd=};; esac; done
greet() { echo '{"QMP": {"version": {}, "capabilities": []}}' >&"$fd"; }
sleep 600 &
echo $! > "$FAKEQEMU_PIDFILE"
echo "forked a child, exiting" >&2
exit 3
