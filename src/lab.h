/*
 * lab.h - "tcpconform lab": a namespaced Linux target on this machine,
 * built by the lab scripts (tests/lab/lab.sh, installed in LAB_INSTDIR).
 */
#ifndef TC_LAB_H
#define TC_LAB_H

/* lab.c */

/*
 * lab run [--sysctl K=V]... [--netem SPEC] [run options] PATH...
 * lab shell [--sysctl K=V]... [--netem SPEC]
 * lab down
 * argv[0] is "lab".  Returns an exit status (that of the command run in
 * the lab, 2 for bad usage, 3 when the lab cannot be built).
 */
int lab_main(int argc, char **argv);

#endif
