/*
 * Opening a user-named input: only regular files are read. The type is
 * checked before open() (opening a FIFO for reading blocks until a writer
 * comes) and again on the descriptor, opened non-blocking, in case the path
 * changed in between.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksymaudit/input.h"

/* Text inputs (Module.symvers, rules, waivers) larger than this are refused. */
#define MAX_TEXT ((size_t)1 << 30)

const char *ka_file_type_name(mode_t mode)
{
	if (S_ISREG(mode))
		return "regular file";
	if (S_ISDIR(mode))
		return "directory";
	if (S_ISFIFO(mode))
		return "FIFO (named pipe)";
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISBLK(mode))
		return "block device";
	if (S_ISSOCK(mode))
		return "socket";
	return "special file";
}

static int not_regular(mode_t mode, char **why)
{
	if (S_ISDIR(mode)) {
		*why = xstrdup("is a directory");
		return -EISDIR;
	}
	*why = xasprintf("is a %s, not a regular file: skipped",
			 ka_file_type_name(mode));
	return -EINVAL;
}

int ka_input_open(const char *path, struct stat *st, char **why)
{
	struct stat before, after;
	int fd, r;

	*why = NULL;
	if (stat(path, &before) < 0) {
		r = -errno;
		*why = xstrdup(strerror(-r));
		return r;
	}
	if (!S_ISREG(before.st_mode))
		return not_regular(before.st_mode, why);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		*why = xstrdup(strerror(-r));
		return r;
	}
	if (fstat(fd, &after) < 0) {
		r = -errno;
		*why = xstrdup(strerror(-r));
		close(fd);
		return r;
	}
	if (!S_ISREG(after.st_mode)) {
		close(fd);
		return not_regular(after.st_mode, why);
	}
	/* Regular files never block; drop the flag for ordinary reads. */
	r = fcntl(fd, F_GETFL);
	if (r >= 0)
		(void)fcntl(fd, F_SETFL, r & ~O_NONBLOCK);
	if (st)
		*st = after;
	return fd;
}

int ka_input_read(const char *path, char **buf, size_t *len, char **why)
{
	struct stat st;
	size_t n = 0, cap;
	char *p;
	int fd = ka_input_open(path, &st, why);

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return fd;
	if ((uint64_t)st.st_size > MAX_TEXT) {
		*why = xasprintf("larger than %zu MiB: not a text input ksymaudit reads",
				 MAX_TEXT >> 20);
		close(fd);
		return -EFBIG;
	}
	cap = (size_t)st.st_size + 1;
	p = xmalloc(cap);
	for (;;) {
		ssize_t got;

		if (n + 1 >= cap) {
			if (cap > MAX_TEXT) {
				*why = xasprintf("larger than %zu MiB: not a text input ksymaudit reads",
						 MAX_TEXT >> 20);
				free(p);
				close(fd);
				return -EFBIG;
			}
			cap *= 2;
			p = xrealloc(p, cap);
		}
		got = read(fd, p + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int r = -errno;
			*why = xstrdup(strerror(-r));
			free(p);
			close(fd);
			return r;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}
