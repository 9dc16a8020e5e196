/* See string.h: liblzma's single-threaded mythread.h declares a helper over sigprocmask(),
 * which the decoder never calls. */
typedef unsigned long sigset_t;
int sigprocmask(int how, const sigset_t *set, sigset_t *old);
