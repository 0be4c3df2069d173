/* event_queue.h - hands events from the engine to a writer thread, so that
 * serialising, hashing and storing them (events.jsonl, events.log, SQLite,
 * alerts) runs on a second core while the engine reads packets. The queue is
 * bounded (the engine waits when it is full) and keeps the order. */
#ifndef KOBAN_EVENT_QUEUE_H
#define KOBAN_EVENT_QUEUE_H

#include <stddef.h>

#include "engine/model.h"

struct event_queue;

/* Starts the writer thread, which calls consume(ctx, ev) for every event in
 * order. Returns NULL if the thread cannot start (the caller then writes
 * events itself). */
struct event_queue *event_queue_start(size_t capacity, void (*consume)(void *ctx, const struct event *ev),
				      void *ctx);
/* Copies the event (taking a reference to its evidence) into the queue. */
void event_queue_push(struct event_queue *q, const struct event *ev);
/* Waits until every queued event is written, stops the thread, frees q. */
void event_queue_finish(struct event_queue *q);

#endif
