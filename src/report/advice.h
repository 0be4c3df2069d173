/* advice.h - what a family or small office should do about each kind of
 * event, in Japanese (です・ます調) and English: what happened, why it
 * matters, what to do now. The texts follow the IoT Security Guideline's
 * chapter 3 rules for general users (一般利用者のためのルール) and key points
 * 15 (initial settings), 17 (updates) and 21 (vulnerable devices), with 9
 * (do not harm others) for attacks leaving the network and 13 (records)
 * where a record helps later.
 *
 * `lang` follows lang_is_ja() in keypoints.h: "ja" (also "ja-JP" ...)
 * selects Japanese, anything else English. All strings are static. */
#ifndef KOBAN_ADVICE_H
#define KOBAN_ADVICE_H

#include <stddef.h>
#include <stdint.h>

enum advice_part {
	ADVICE_WHAT,  /* what happened */
	ADVICE_WHY,   /* why it matters */
	ADVICE_TODO,  /* what to do now */
	ADVICE_PART_COUNT
};

/* The three parts in one language. */
struct advice_text {
	const char *what, *why, *todo;
};

#define ADVICE_MAX_RULES 4
#define ADVICE_MAX_KPS 6
#define ADVICE_RULE_COUNT 4 /* chapter 3 has rules 1..4 */

struct advice {
	const char *kind;                  /* event kind, e.g. "cleartext-login" */
	struct advice_text ja, en;
	uint8_t rules[ADVICE_MAX_RULES];   /* chapter-3 rules (1..4) the advice applies */
	uint8_t n_rules;
	uint8_t key_points[ADVICE_MAX_KPS]; /* guideline key points (1..21) it follows */
	uint8_t n_key_points;
};

/* The advice for an event kind, or NULL for a kind koban does not know. */
const struct advice *advice_for(const char *kind);

/* One part in one language; NULL for an unknown kind or part. */
const char *advice_text(const char *kind, const char *lang, enum advice_part part);

/* Every kind with advice, for iteration: advice_at(0 .. advice_count()-1). */
size_t advice_count(void);
const struct advice *advice_at(size_t i);

/* Heading of a part: "What happened" / "何が起きたか" ...; NULL if out of range. */
const char *advice_part_label(enum advice_part part, const char *lang);

/* Short label for the whole advice ("What to do" / "対処方法"). */
const char *advice_label(const char *lang);

/* Title of chapter-3 rule 1..4 as in the guideline ("初期設定に気をつける"
 * / "Take care with initial settings"); NULL if out of range. */
const char *advice_rule_title(int rule, const char *lang);

/* Word before a rule's number: "Guideline rule for users" / "利用者のためのルール". */
const char *advice_rule_label(const char *lang);

#endif
