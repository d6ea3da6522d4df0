/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A stand-in for a running daemon: accepts any arguments, does nothing until killed. Copied
 * under the name "dockerd" so that discovery finds it in /proc with the options it was given. */
#include <unistd.h>

int main(void) {
        for (;;)
                pause();
}
