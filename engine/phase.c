/*
 * phase.c: the nimadm phase tracker: reads nimadm's output line by line
 * (banners, alt_disk and installp output, coded messages, cleanup) and keeps
 * the state of the run. Tolerant by design: blanks, CRLF, case of the banner,
 * rules of any length, spacing inside installp's lines.
 */
#include "phase.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longer lines are looked at only up to here: nimadm's own lines are short. */
#define PHASE_LINE_MAX 4096

enum { PH_LAST_NONE, PH_LAST_ERROR, PH_LAST_NIMADM_ERROR };

struct phase_tracker {
	struct phase_state st;
	phase_event_fn *fn;
	void *arg;
	const struct kb *kb;
	unsigned mask; /* requested phases (bit n), 0 = all */
	long long now; /* time of the line being handled */
	/* parser context */
	int run_started;  /* START emitted for this run */
	int in_apply;     /* after "installp: APPLYING software for:" */
	int in_summary;   /* inside an installp summary table */
	int error_in_run; /* an error-severity message in this run */
	int phase_errors; /* error-severity messages in the current phase */
	int last_error;   /* the latest significant line: 0, an error, or nimadm's own error */
	size_t msg_cap;
	int phase12_cleanup; /* the regular cleanup lines in phase 12 */
	int significant;     /* lines that are surely nimadm's (not mere step text) */
	long installp_elapsed[PHASE_MAX + 1];
	char buf[PHASE_LINE_MAX];
};

/* --- vocabularies --------------------------------------------------------- */

static const char *const phase_status_names[] = {
#define X(id, json, label, tone) json,
	PHASE_STATUSES(X)
#undef X
};
static const char *const phase_status_labels[] = {
#define X(id, json, label, tone) label,
	PHASE_STATUSES(X)
#undef X
};
static const enum phase_tone phase_status_tones[] = {
#define X(id, json, label, tone) tone,
	PHASE_STATUSES(X)
#undef X
};
static const char *const phase_result_names[] = {
#define X(id, json, label, tone) json,
	PHASE_RESULTS(X)
#undef X
};
static const char *const phase_result_labels[] = {
#define X(id, json, label, tone) label,
	PHASE_RESULTS(X)
#undef X
};
static const enum phase_tone phase_result_tones[] = {
#define X(id, json, label, tone) tone,
	PHASE_RESULTS(X)
#undef X
};
static const char *const phase_event_names[] = {
#define X(id, json) json,
	PHASE_EVENTS(X)
#undef X
};

const char *phase_status_name(enum phase_status s)
{
	return (unsigned)s < PHASE_STATUS_COUNT ? phase_status_names[s] : "unknown";
}

const char *phase_status_label(enum phase_status s)
{
	return (unsigned)s < PHASE_STATUS_COUNT ? phase_status_labels[s] : "unknown";
}

enum phase_tone phase_status_tone(enum phase_status s)
{
	return (unsigned)s < PHASE_STATUS_COUNT ? phase_status_tones[s] : PHASE_TONE_NORMAL;
}

const char *phase_result_name(enum phase_result r)
{
	return (unsigned)r < PHASE_RESULT_COUNT ? phase_result_names[r] : "unknown";
}

const char *phase_result_label(enum phase_result r)
{
	return (unsigned)r < PHASE_RESULT_COUNT ? phase_result_labels[r] : "unknown";
}

enum phase_tone phase_result_tone(enum phase_result r)
{
	return (unsigned)r < PHASE_RESULT_COUNT ? phase_result_tones[r] : PHASE_TONE_NORMAL;
}

const char *phase_event_name(enum phase_event_kind k)
{
	return (unsigned)k < PHASE_EV_COUNT ? phase_event_names[k] : "unknown";
}

const char *phase_title(int n)
{
	static const char *const titles[PHASE_MAX + 1] = {
		"",
		"clone rootvg on the client (alt_disk_copy phase 1)",
		"export /alt_inst to the master (-j: create the cache)",
		"mount on the master (-j: copy client data to the cache)",
		"pre-migration script",
		"restore BOS, merge configuration",
		"migrate filesets with installp",
		"post-migration script",
		"bosboot: build the boot image",
		"unmount on the master (-j: copy the cache back)",
		"remove exports (-j: remove the cache)",
		"final adjustments, bootlist (alt_disk_copy phase 3)",
		"cleanup on master and client",
	};
	return n >= 1 && n <= PHASE_MAX ? titles[n] : "";
}

unsigned phase_parse_list(const char *s)
{
	unsigned mask = 0;

	while (*s != '\0') {
		long a, b;
		char *end;
		if (*s == ' ' || *s == ',' || *s == '\t') {
			s++;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			return 0;
		a = strtol(s, &end, 10);
		b = a;
		s = end;
		if (*s == '-') {
			s++;
			if (!isdigit((unsigned char)*s))
				return 0;
			b = strtol(s, &end, 10);
			s = end;
		}
		if (a < 1 || b > PHASE_MAX || a > b)
			return 0;
		for (long n = a; n <= b; n++)
			mask |= 1u << n;
	}
	return mask;
}

/* --- text helpers --------------------------------------------------------- */

static const char *ph_skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * Matches phrase at s, ignoring case; a blank in the phrase matches one or
 * more blanks (or none before a ':'). Returns the end of the match or NULL.
 */
static const char *ph_phrase_at(const char *s, const char *phrase)
{
	while (*phrase != '\0') {
		if (*phrase == ' ') {
			if (*s != ' ' && *s != '\t' && phrase[1] != ':')
				return NULL;
			s = ph_skip_ws(s);
			phrase++;
			continue;
		}
		if (tolower((unsigned char)*s) != tolower((unsigned char)*phrase))
			return NULL;
		s++;
		phrase++;
	}
	return s;
}

/* The first match of phrase anywhere in s: its end, and its start in *at. */
static const char *ph_phrase_find(const char *s, const char *phrase, const char **at)
{
	for (const char *p = s; *p != '\0'; p++) {
		const char *end;
		if (tolower((unsigned char)*p) != tolower((unsigned char)*phrase))
			continue;
		end = ph_phrase_at(p, phrase);
		if (end != NULL) {
			if (at != NULL)
				*at = p;
			return end;
		}
	}
	return NULL;
}

/* A line made only of + - = and at least 8 dashes (or equals): a rule. */
static int ph_is_rule(const char *s)
{
	size_t n = 0, dashes = 0;

	for (; s[n] != '\0'; n++) {
		if (s[n] == '-' || s[n] == '=')
			dashes++;
		else if (s[n] != '+')
			return 0;
	}
	return dashes >= 8;
}

/* Copies s with runs of blanks collapsed to one space; trailing dot removed if asked. */
static char *ph_collapse(const char *s, int drop_dot)
{
	struct strbuf sb = { 0 };

	for (s = ph_skip_ws(s); *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t') {
			s = ph_skip_ws(s) - 1;
			if (s[1] != '\0')
				sb_addc(&sb, ' ');
			continue;
		}
		sb_addc(&sb, *s);
	}
	if (drop_dot && sb.len > 0 && sb.buf[sb.len - 1] == '.')
		sb.buf[--sb.len] = '\0';
	return sb_steal(&sb);
}

static void ph_set(char **dst, char *owned)
{
	free(*dst);
	*dst = owned;
}

/* The upper-case word w standing alone in s (not inside a longer word). */
static int ph_has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = strstr(s, w); p != NULL; p = strstr(p + 1, w)) {
		if ((p == s || !isalpha((unsigned char)p[-1])) && !isalpha((unsigned char)p[n]))
			return 1;
	}
	return 0;
}

/* "1 hrs 2 mins 3 secs", "9 mins 41 secs", "12 secs" -> seconds; -1 if none. */
static long ph_parse_duration(const char *s)
{
	long total = 0;
	int any = 0;

	while (*s != '\0') {
		char *end;
		long v;
		if (!isdigit((unsigned char)*s)) {
			s++;
			continue;
		}
		v = strtol(s, &end, 10);
		s = ph_skip_ws(end);
		if (strncasecmp(s, "hr", 2) == 0 || strncasecmp(s, "hour", 4) == 0) {
			total += v * 3600;
			any = 1;
		} else if (strncasecmp(s, "min", 3) == 0) {
			total += v * 60;
			any = 1;
		} else if (strncasecmp(s, "sec", 3) == 0) {
			total += v;
			any = 1;
		}
	}
	return any ? total : -1;
}

/* --- events and state ----------------------------------------------------- */

static struct phase_event ph_event(const struct phase_tracker *t, enum phase_event_kind kind)
{
	struct phase_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.lineno = t->st.finished ? 0 : t->st.lines;
	ev.time_ms = t->now;
	ev.phase = t->st.current;
	ev.text = "";
	ev.elapsed_s = -1;
	return ev;
}

static void ph_emit(struct phase_tracker *t, const struct phase_event *ev)
{
	if (t->fn != NULL)
		t->fn(t->arg, ev);
}

static void ph_phase_reset(struct phase_info *p)
{
	p->status = PHASE_PENDING;
	p->started_ms = p->ended_ms = -1;
	p->duration_s = -1;
	p->filesets_done = p->filesets_total = -1;
	p->first_line = 0;
}

struct phase_tracker *phase_tracker_new(phase_event_fn *fn, void *arg)
{
	struct phase_tracker *t = xcalloc(1, sizeof *t);

	t->fn = fn;
	t->arg = arg;
	t->now = -1;
	t->st.result = PHASE_RESULT_UNKNOWN;
	t->st.failed_phase = -1;
	t->st.exit_status = -1;
	t->st.installp_elapsed_s = -1;
	t->st.last_time_ms = -1;
	for (int n = 0; n <= PHASE_MAX; n++) {
		ph_phase_reset(&t->st.phases[n]);
		t->installp_elapsed[n] = -1;
	}
	return t;
}

void phase_tracker_free(struct phase_tracker **tp)
{
	struct phase_tracker *t = *tp;

	if (t == NULL)
		return;
	for (size_t i = 0; i < t->st.nmessages; i++) {
		free(t->st.messages[i].code);
		free(t->st.messages[i].command);
		free(t->st.messages[i].text);
	}
	free(t->st.messages);
	free(t->st.client);
	free(t->st.log_path);
	free(t->st.step);
	free(t->st.client_command);
	free(t->st.bootlist);
	free(t);
	*tp = NULL;
}

void phase_tracker_set_kb(struct phase_tracker *t, const struct kb *kb)
{
	t->kb = kb;
}

static int ph_requested(const struct phase_tracker *t, int n)
{
	return t->mask == 0 || (t->mask & (1u << n)) != 0;
}

void phase_tracker_set_phases(struct phase_tracker *t, unsigned mask)
{
	mask &= ((1u << (PHASE_MAX + 1)) - 1) & ~1u;
	t->mask = mask;
	for (int n = 1; n <= PHASE_MAX; n++) {
		struct phase_info *p = &t->st.phases[n];
		if (!ph_requested(t, n) && p->status == PHASE_PENDING)
			p->status = PHASE_SKIPPED;
		else if (ph_requested(t, n) && p->status == PHASE_SKIPPED && p->first_line == 0)
			p->status = PHASE_PENDING;
	}
}

const struct phase_state *phase_tracker_state(const struct phase_tracker *t)
{
	return &t->st;
}

/* Closes phase n with a status; emits PHASE_END. */
static void ph_end_phase(struct phase_tracker *t, int n, enum phase_status status)
{
	struct phase_info *p = &t->st.phases[n];
	struct phase_event ev;

	if (n < 1 || n > PHASE_MAX)
		return;
	p->status = status;
	if (status != PHASE_SKIPPED) {
		p->ended_ms = t->now;
		if (p->started_ms >= 0 && p->ended_ms >= p->started_ms)
			p->duration_s = (long)((p->ended_ms - p->started_ms) / 1000);
		else if (t->installp_elapsed[n] >= 0)
			p->duration_s = t->installp_elapsed[n];
	}
	ev = ph_event(t, PHASE_EV_PHASE_END);
	ev.phase = n;
	ev.status = status;
	ph_emit(t, &ev);
}

/* Phases after `from` that never ran will not run now. */
static void ph_skip_pending_after(struct phase_tracker *t, int from)
{
	for (int n = from + 1; n <= PHASE_MAX; n++)
		if (t->st.phases[n].status == PHASE_PENDING)
			ph_end_phase(t, n, PHASE_SKIPPED);
}

static void ph_result(struct phase_tracker *t, enum phase_result r)
{
	struct phase_event ev;

	t->st.result = r;
	ev = ph_event(t, PHASE_EV_RESULT);
	ev.result = r;
	ev.phase = r == PHASE_RESULT_FAILED ? t->st.failed_phase : t->st.current;
	ph_emit(t, &ev);
}

/* The run failed in phase n (0: before phase 1). */
static void ph_fail(struct phase_tracker *t, int n)
{
	t->st.failed_phase = n;
	if (n >= 1 && t->st.phases[n].status == PHASE_RUNNING)
		ph_end_phase(t, n, PHASE_FAILED);
	else if (n >= 1 && t->st.phases[n].status != PHASE_FAILED)
		t->st.phases[n].status = PHASE_FAILED;
	ph_skip_pending_after(t, n);
	ph_result(t, PHASE_RESULT_FAILED);
}

/* A new run in the same output (nimadm started again, e.g. to resume). */
static void ph_new_run(struct phase_tracker *t)
{
	int cur = t->st.current;

	/* the previous nimadm has ended: unless it failed, its phase was done (a
	 * rerun of that phase resets it again when its banner comes) */
	if (cur >= 1 && t->st.phases[cur].status == PHASE_RUNNING &&
	    t->st.result != PHASE_RESULT_FAILED)
		ph_end_phase(t, cur, PHASE_DONE);
	for (int n = 1; n <= PHASE_MAX; n++) {
		struct phase_info *p = &t->st.phases[n];
		if (p->status != PHASE_DONE) {
			ph_phase_reset(p);
			if (!ph_requested(t, n))
				p->status = PHASE_SKIPPED;
		}
	}
	t->st.current = 0;
	t->st.failed_phase = -1;
	t->st.cleanup_ran = 0;
	t->st.cleanup_seen = 0;
	t->st.result = PHASE_RESULT_RUNNING;
	t->run_started = 0;
	t->error_in_run = 0;
	t->phase_errors = 0;
	t->last_error = PH_LAST_NONE;
	t->phase12_cleanup = 0;
	t->in_apply = t->in_summary = 0;
}

static void ph_startup(struct phase_tracker *t)
{
	struct phase_event ev;

	if (t->st.current > 0 || t->st.result == PHASE_RESULT_FAILED ||
	    t->st.result == PHASE_RESULT_SUCCEEDED)
		ph_new_run(t);
	t->st.started = 1;
	if (t->st.result == PHASE_RESULT_UNKNOWN)
		t->st.result = PHASE_RESULT_RUNNING;
	if (!t->run_started) {
		t->run_started = 1;
		t->st.runs++;
		ev = ph_event(t, PHASE_EV_START);
		ev.text = t->st.client != NULL ? t->st.client : "";
		ph_emit(t, &ev);
	}
}

static void ph_phase_start(struct phase_tracker *t, int n)
{
	struct phase_info *p = &t->st.phases[n];
	struct phase_event ev;

	if (n == t->st.current && p->status == PHASE_RUNNING)
		return; /* the same banner twice */
	if (t->st.result == PHASE_RESULT_FAILED) {
		/* phase 12 right after a failure is that failure's cleanup; any other
		 * banner is nimadm running again (a resume with -P) */
		if (n == PHASE_MAX && t->st.cleanup_ran)
			return;
		ph_new_run(t);
	}
	if (!t->run_started) {
		/* a run without start-up lines (a -P call, or a log cut at the top) */
		t->run_started = 1;
		t->st.runs++;
	}
	if (t->st.current >= 1 && t->st.phases[t->st.current].status == PHASE_RUNNING)
		ph_end_phase(t, t->st.current, PHASE_DONE);
	for (int k = 1; k < n; k++)
		if (t->st.phases[k].status == PHASE_PENDING)
			ph_end_phase(t, k, PHASE_SKIPPED);
	/* phase n and those after it start afresh (a rerun), unless never asked for */
	for (int k = n; k <= PHASE_MAX; k++) {
		struct phase_info *q = &t->st.phases[k];
		if (k != n && (q->status == PHASE_PENDING ||
		               (q->status == PHASE_SKIPPED && !ph_requested(t, k))))
			continue;
		ph_phase_reset(q);
		t->installp_elapsed[k] = -1;
	}
	t->st.current = n;
	t->st.result = PHASE_RESULT_RUNNING;
	p->status = PHASE_RUNNING;
	p->started_ms = t->now;
	p->first_line = t->st.lines;
	t->phase_errors = 0;
	t->last_error = PH_LAST_NONE;
	t->in_apply = t->in_summary = 0;
	ph_set(&t->st.step, NULL);
	ev = ph_event(t, PHASE_EV_PHASE_START);
	ph_emit(t, &ev);
}

static void ph_step(struct phase_tracker *t, const char *text, int subphase)
{
	struct phase_event ev;

	ph_set(&t->st.step, ph_collapse(text, 0));
	t->last_error = PH_LAST_NONE;
	ev = ph_event(t, PHASE_EV_SUBPHASE);
	ev.text = t->st.step;
	ev.subphase = subphase;
	ph_emit(t, &ev);
}

/*
 * nimadm's cleanup lines. In phase 12 they are the regular end. Elsewhere
 * they are the automatic cleanup after a failure when an error came before,
 * or when the client's alternate rootvg is removed (-X); otherwise they
 * belong to a cleanup run (nimadm -C) or the end of a partial (-P) run.
 */
static void ph_cleanup(struct phase_tracker *t, const char *line, int removes_altinst)
{
	struct phase_event ev;
	int cur = t->st.current;
	int running = cur >= 1 && t->st.phases[cur].status == PHASE_RUNNING;
	int automatic = 0;

	t->st.cleanup_seen = 1;
	if (t->st.result == PHASE_RESULT_FAILED) {
		automatic = t->st.cleanup_ran;
	} else if (cur == PHASE_MAX && running) {
		t->phase12_cleanup = 1;
	} else if ((t->error_in_run && (running || cur == 0)) || (removes_altinst && running)) {
		t->st.cleanup_ran = 1;
		automatic = 1;
		ph_fail(t, cur);
	}
	ph_set(&t->st.step, ph_collapse(line, 0));
	ev = ph_event(t, PHASE_EV_CLEANUP);
	ev.text = line;
	ev.automatic = automatic;
	ph_emit(t, &ev);
}

static enum kb_severity ph_severity(const char *line, const char *code, const char *command,
                                    const struct kb_entry *kb)
{
	if (kb != NULL && kb->harmless)
		return KB_SEV_INFO;
	if (ph_has_word(line, "ERROR"))
		return KB_SEV_ERROR;
	if (ph_has_word(line, "ATTENTION"))
		return KB_SEV_ATTENTION;
	if (ph_has_word(line, "WARNING"))
		return KB_SEV_WARNING;
	if (kb != NULL && kb->severity >= 0)
		return (enum kb_severity)kb->severity;
	if (code == NULL)
		return KB_SEV_ERROR; /* an un-coded known line that is not harmless */
	if (str_starts(code, "0505-") || (command != NULL && strcmp(command, "nimadm") == 0))
		return KB_SEV_ERROR;
	if (strstr(line, "rror") != NULL || strstr(line, "FAILED") != NULL ||
	    strstr(line, "failed") != NULL || strstr(line, "annot ") != NULL ||
	    strstr(line, "nable to") != NULL)
		return KB_SEV_ERROR;
	return KB_SEV_INFO;
}

static char *ph_command(const char *line, size_t at);

enum kb_severity phase_line_severity(const char *line, const struct kb_entry *kb)
{
	char code[9];
	long at = kb_scan_code(line, strlen(line), code);
	char *command = at >= 0 ? ph_command(line, (size_t)at) : NULL;
	enum kb_severity sev = ph_severity(line, at >= 0 ? code : NULL, command, kb);

	free(command);
	return sev;
}

/* The command named next to a code: "cmd: CODE ..." or "CODE cmd: ...". */
static char *ph_command(const char *line, size_t at)
{
	const char *p, *q;

	p = line + at;
	while (p > line && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	if (p > line && p[-1] == ':') {
		q = p - 1;
		p = q;
		while (p > line && p[-1] != ' ' && p[-1] != '\t')
			p--;
		if (q > p)
			return xstrndup(p, (size_t)(q - p));
	}
	p = ph_skip_ws(line + at + 8);
	q = p;
	while (*q != '\0' && *q != ' ' && *q != '\t' && *q != ':')
		q++;
	if (*q == ':' && q > p)
		return xstrndup(p, (size_t)(q - p));
	return NULL;
}

static void ph_message(struct phase_tracker *t, const char *line, const char *code, char *command,
                       enum kb_severity sev, const struct kb_entry *kb)
{
	struct phase_message m;
	struct phase_event ev;

	m.code = code != NULL ? xstrdup(code) : NULL;
	m.command = command;
	m.severity = sev;
	m.text = xstrdup(line);
	m.lineno = t->st.lines;
	m.phase = t->st.current;
	m.time_ms = t->now;
	m.kb = kb;
	if (sev == KB_SEV_ERROR) {
		t->st.errors++;
		t->error_in_run = 1;
		t->phase_errors++;
		t->last_error = (code != NULL && str_starts(code, "0505-")) ||
		                        (command != NULL && strcmp(command, "nimadm") == 0)
		                    ? PH_LAST_NIMADM_ERROR
		                    : PH_LAST_ERROR;
	} else if (sev == KB_SEV_WARNING || sev == KB_SEV_ATTENTION) {
		t->st.warnings++;
	}
	ev = ph_event(t, PHASE_EV_MESSAGE);
	ev.msg = &m;
	ev.text = m.text;
	ph_emit(t, &ev);
	if (t->st.nmessages >= PHASE_MESSAGES_MAX) {
		t->st.messages_dropped++;
		free(m.code);
		free(m.command);
		free(m.text);
		return;
	}
	if (t->st.nmessages == t->msg_cap) {
		t->msg_cap = t->msg_cap == 0 ? 16 : t->msg_cap * 2;
		t->st.messages = xreallocarray(t->st.messages, t->msg_cap, sizeof *t->st.messages);
	}
	t->st.messages[t->st.nmessages++] = m;
}

static const struct kb *ph_kb(struct phase_tracker *t)
{
	if (t->kb == NULL)
		t->kb = kb_default();
	return t->kb;
}

/* A coded message, or an un-coded line the knowledge base knows. */
static int ph_try_message(struct phase_tracker *t, const char *line)
{
	char code[9];
	long at = kb_scan_code(line, strlen(line), code);
	const struct kb_entry *kb = kb_match_line(ph_kb(t), line);
	char *command;

	if (at < 0 && kb == NULL)
		return 0;
	command = at >= 0 ? ph_command(line, (size_t)at) : NULL;
	ph_message(t, line, at >= 0 ? code : NULL, command,
	           ph_severity(line, at >= 0 ? code : NULL, command, kb), kb);
	return 1;
}

static void ph_progress(struct phase_tracker *t, long done, long total, long elapsed)
{
	struct phase_info *p = &t->st.phases[t->st.current];
	struct phase_event ev;

	if (done >= 0)
		p->filesets_done = done;
	if (total >= 0)
		p->filesets_total = total;
	if (elapsed >= 0) {
		t->st.installp_elapsed_s = elapsed;
		t->installp_elapsed[t->st.current] = elapsed;
	}
	t->last_error = PH_LAST_NONE;
	ev = ph_event(t, PHASE_EV_PROGRESS);
	ev.done = p->filesets_done;
	ev.total = p->filesets_total;
	ev.elapsed_s = elapsed;
	ph_emit(t, &ev);
}

/* "Filesets processed:  12 of 187  (Total time:  9 mins 41 secs)." */
static int ph_try_progress(struct phase_tracker *t, const char *s)
{
	const char *p = ph_phrase_at(s, "Filesets processed:");
	char *end;
	long done, total = -1;

	if (p == NULL) {
		p = ph_phrase_at(s, "Finished processing all filesets.");
		if (p == NULL)
			return 0;
		p = ph_phrase_find(p, "Total time:", NULL);
		ph_progress(t, t->st.phases[t->st.current].filesets_total, -1,
		            p != NULL ? ph_parse_duration(p) : -1);
		return 1;
	}
	p = ph_skip_ws(p);
	if (!isdigit((unsigned char)*p))
		return 0;
	done = strtol(p, &end, 10);
	p = ph_phrase_at(ph_skip_ws(end), "of ");
	if (p != NULL && isdigit((unsigned char)*p))
		total = strtol(p, &end, 10);
	p = ph_phrase_find(end, "Total time:", NULL);
	ph_progress(t, done, total, p != NULL ? ph_parse_duration(p) : -1);
	return 1;
}

static int ph_count_tokens(const char *s, const char **last)
{
	int n = 0;

	for (s = ph_skip_ws(s); *s != '\0'; s = ph_skip_ws(s)) {
		n++;
		*last = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
	}
	return n;
}

/* A row of installp's summary: Name Level Part Event Result. */
static int ph_try_summary_row(struct phase_tracker *t, const char *s)
{
	const char *last = NULL;
	int n = ph_count_tokens(s, &last);

	if (n < 5)
		return 0;
	if (strcmp(last, "SUCCESS") == 0) {
		t->st.installp_ok++;
	} else if (strcmp(last, "FAILED") == 0 || strcmp(last, "BROKEN") == 0 ||
	           strcmp(last, "CANCELLED") == 0) {
		enum kb_severity sev = last[0] == 'C' ? KB_SEV_WARNING : KB_SEV_ERROR;
		char *text = ph_collapse(s, 0);
		t->st.installp_failed++;
		ph_message(t, text, NULL, xstrdup("installp"), sev,
		           kb_lookup(ph_kb(t), "installp-failed"));
		free(text);
	} else {
		return 0;
	}
	return 1;
}

/* Step lines worth showing as the phase's current activity. */
static const char *const ph_step_prefixes[] = {
	"Cloning altinst_rootvg",
	"Creating ",
	"Syncing ",
	"Adjusting ",
	"Restoring ",
	"Merging ",
	"Running migration merge method",
	"Pre-installation Verification",
	"Installing Software",
	"Summaries:",
	"bosboot: ",
	"Verifying ",
	"Exporting ",
	"Mounting ",
	"Unmounting ",
	"Removing ",
	"Executing ",
	"forced unmount of",
	"Copying ",
	"Saving ",
	"Checking ",
	"Building ",
	"Installing ",
	"Migrating ",
	"Updating ",
	"Processing ",
	"Rebooting ",
};

static int ph_try_step(struct phase_tracker *t, const char *s)
{
	const char *p;

	if (str_starts(s, "## Phase ")) {
		ph_step(t, s, atoi(s + 9));
		return 1;
	}
	if (strstr(s, "customization script") != NULL || strstr(s, "migration script") != NULL) {
		ph_step(t, s, 0);
		return 1;
	}
	for (size_t i = 0; i < ARRAY_LEN(ph_step_prefixes); i++) {
		p = ph_phrase_at(s, ph_step_prefixes[i]);
		if (p != NULL) {
			ph_step(t, s, 0);
			return 1;
		}
	}
	return 0;
}

/* "Initializing NIM client NAME." etc.; returns 1 if it was a start-up line. */
static int ph_try_startup(struct phase_tracker *t, const char *s)
{
	const char *p;

	if ((p = ph_phrase_at(s, "Initializing NIM client ")) != NULL) {
		ph_startup(t);
		ph_set(&t->st.client, ph_collapse(p, 1));
		return 1;
	}
	if ((p = ph_phrase_at(s, "Initializing log:")) != NULL) {
		ph_startup(t);
		ph_set(&t->st.log_path, ph_collapse(p, 0));
		if (t->st.client == NULL) {
			const char *base = strrchr(t->st.log_path, '/');
			const char *suffix = strstr(t->st.log_path, "_alt_mig.log");
			base = base != NULL ? base + 1 : t->st.log_path;
			if (suffix != NULL && suffix > base)
				t->st.client = xstrndup(base, (size_t)(suffix - base));
		}
		return 1;
	}
	if (ph_phrase_at(s, "Initializing the NIM master") != NULL ||
	    ph_phrase_at(s, "Verifying alt_disk_migration eligibility") != NULL ||
	    ph_phrase_at(s, "Starting Alternate Disk Migration") != NULL) {
		ph_startup(t);
		return 1;
	}
	return 0;
}

/* Any whitespace-separated token of s equal to tok. */
static int ph_has_token(const char *s, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = strstr(s, tok); p != NULL; p = strstr(p + 1, tok))
		if ((p == s || p[-1] == ' ' || p[-1] == '\t') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '\t' || p[n] == '"'))
			return 1;
	return 0;
}

/* The structure of nimadm's output: banners, start-up, cleanup, installp. 1 if handled. */
static int ph_structure(struct phase_tracker *t, const char *s, int indented)
{
	const char *p;
	int n;

	/* the title line decides: installp uses the same rule around its titles */
	if ((p = ph_phrase_at(s, "Executing nimadm phase ")) != NULL &&
	    isdigit((unsigned char)*p)) {
		n = atoi(p);
		if (n >= 1 && n <= PHASE_MAX) {
			ph_phase_start(t, n);
			return 1;
		}
	}
	if (ph_phrase_at(s, "Cleaning up alt_disk_migration on") != NULL) {
		if ((p = ph_phrase_at(s, "Cleaning up alt_disk_migration on client ")) != NULL &&
		    t->st.client == NULL)
			t->st.client = ph_collapse(p, 1);
		ph_cleanup(t, s, 0);
		return 1;
	}
	if ((p = ph_phrase_at(s, "Client alt_disk_install command:")) != NULL) {
		ph_set(&t->st.client_command, ph_collapse(p, 0));
		if (strstr(p, "alt_disk_install") != NULL && ph_has_token(p, "-X"))
			ph_cleanup(t, s, 1);
		else
			ph_step(t, s, 0);
		return 1;
	}
	if ((p = ph_phrase_at(s, "Bootlist is set to the boot disk:")) != NULL) {
		struct phase_event ev;
		ph_set(&t->st.bootlist, ph_collapse(p, 1));
		ph_set(&t->st.step, ph_collapse(s, 0));
		ev = ph_event(t, PHASE_EV_BOOTLIST);
		ev.text = t->st.bootlist;
		ph_emit(t, &ev);
		return 1;
	}
	if (ph_try_startup(t, s))
		return 1;
	if (ph_try_progress(t, s))
		return 1;
	if (ph_phrase_at(s, "installp: APPLYING software for:") != NULL) {
		t->in_apply = 1;
		return 1;
	}
	if (t->in_apply && indented) {
		struct phase_event ev = ph_event(t, PHASE_EV_FILESET);
		char *fs = ph_collapse(s, 0);
		ev.text = fs;
		t->last_error = PH_LAST_NONE;
		ph_emit(t, &ev);
		free(fs);
		return 1;
	}
	t->in_apply = 0;
	if (ph_phrase_at(s, "Name Level Part Event Result") != NULL) {
		t->in_summary = 1;
		return 1;
	}
	if (t->in_summary) {
		if (ph_try_summary_row(t, s))
			return 1;
		t->in_summary = 0;
	}
	return 0;
}

static void ph_line(struct phase_tracker *t, const char *s, int indented)
{
	size_t before = t->st.nmessages + t->st.messages_dropped;

	if (ph_is_rule(s))
		return;
	t->st.recognised++;
	if (ph_structure(t, s, indented)) {
		t->significant = 1;
		return;
	}
	if (ph_try_message(t, s)) {
		const struct phase_message *m =
		    t->st.nmessages > before ? &t->st.messages[t->st.nmessages - 1] : NULL;
		/* an unknown code alone does not make a nimadm log */
		if (m == NULL || m->kb != NULL || (m->code != NULL && str_starts(m->code, "0505-")))
			t->significant = 1;
		return;
	}
	if (ph_try_step(t, s))
		return;
	t->st.recognised--;
}

void phase_tracker_feed(struct phase_tracker *t, const char *line, size_t len, long long time_ms)
{
	size_t n = len < sizeof t->buf - 1 ? len : sizeof t->buf - 1;
	int indented;

	if (t->st.finished)
		return;
	t->st.lines++;
	t->now = time_ms;
	if (time_ms >= 0)
		t->st.last_time_ms = time_ms;
	for (size_t i = 0; i < n; i++)
		t->buf[i] = line[i] == '\0' ? ' ' : line[i];
	t->buf[n] = '\0';
	indented = n > 0 && (t->buf[0] == ' ' || t->buf[0] == '\t');
	str_trim(t->buf);
	if (t->buf[0] == '\0') {
		t->in_apply = 0;
		t->in_summary = 0;
		return;
	}
	ph_line(t, t->buf, indented);
}

static int ph_highest_requested(const struct phase_tracker *t)
{
	for (int n = PHASE_MAX; n >= 1; n--)
		if (t->mask & (1u << n))
			return n;
	return 0;
}

void phase_tracker_finish(struct phase_tracker *t, int exit_status)
{
	struct phase_state *st = &t->st;
	int cur = st->current;
	int running = cur >= 1 && st->phases[cur].status == PHASE_RUNNING;

	if (st->finished)
		return;
	st->finished = 1;
	st->exit_status = exit_status;
	t->now = st->last_time_ms;
	if (exit_status == 0) {
		/* nimadm said so: authoritative */
		if (st->failed_phase >= 1 && st->phases[st->failed_phase].status == PHASE_FAILED)
			st->phases[st->failed_phase].status = PHASE_DONE;
		st->failed_phase = -1;
		if (running)
			ph_end_phase(t, cur, PHASE_DONE);
		ph_skip_pending_after(t, 0);
		ph_result(t, PHASE_RESULT_SUCCEEDED);
		return;
	}
	if (exit_status > 0 || exit_status < -1) {
		if (st->result != PHASE_RESULT_FAILED) {
			ph_fail(t, cur);
			return;
		}
		ph_result(t, PHASE_RESULT_FAILED);
		return;
	}
	if (st->result == PHASE_RESULT_FAILED) {
		ph_result(t, PHASE_RESULT_FAILED);
	} else if (cur == PHASE_MAX && running && t->phase12_cleanup) {
		if (t->phase_errors > 0) {
			ph_fail(t, cur);
		} else {
			ph_end_phase(t, cur, PHASE_DONE);
			ph_result(t, PHASE_RESULT_SUCCEEDED);
		}
	} else if (t->mask != 0 && running && cur == ph_highest_requested(t) &&
	           t->phase_errors == 0) {
		ph_end_phase(t, cur, PHASE_DONE);
		ph_skip_pending_after(t, 0);
		ph_result(t, PHASE_RESULT_SUCCEEDED);
	} else if (cur == 0 && st->cleanup_seen && !t->error_in_run) {
		ph_result(t, PHASE_RESULT_SUCCEEDED); /* a cleanup run (-C) */
	} else if (t->last_error == PH_LAST_NIMADM_ERROR ||
	           (cur == 0 && t->last_error == PH_LAST_ERROR)) {
		/* the output ends on nimadm's error (or any error before phase 1) */
		ph_fail(t, cur);
	} else if (cur > 0 || st->started || t->significant) {
		ph_result(t, PHASE_RESULT_RUNNING);
	} else {
		ph_result(t, PHASE_RESULT_UNKNOWN);
	}
}
