/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A structured summary of an install run for the journal, so that a boot or a path-triggered run
 * can be found with `journalctl MESSAGE_ID=...` or `journalctl DOCKER_AUDIT_RULES_STATUS=...`. */

/* The MESSAGE_ID of every summary (generated once with systemd-id128 new). */
#define JOURNAL_SUMMARY_MESSAGE_ID "9961cc44fc604055ad2640d0f77ad5f1"

/* 1 when started by systemd: JOURNAL_STREAM is set (stdout/stderr go to the journal), or
 * INVOCATION_ID is set (we run in a unit) and /run/systemd/journal/socket exists. 0 otherwise. */
int journal_wanted(void);

/* Send one entry with MESSAGE=message, PRIORITY=priority (0..7, LOG_ERR etc.),
 * SYSLOG_IDENTIFIER=docker-audit-rules, MESSAGE_ID=JOURNAL_SUMMARY_MESSAGE_ID and
 * DOCKER_AUDIT_RULES_ADDED=, _REMOVED=, _UNCHANGED= (the counts), _FRAGMENT= (its path),
 * _FRAGMENT_STATE= ("written", "unchanged", ...) and _STATUS= (free text, e.g. "ok", "locked").
 * A NULL fragment, fragment_state or status leaves that field out. Returns 0 (also when no
 * journald listens: libsystemd drops the entry silently), -EINVAL for a NULL message or a
 * priority out of range, -ENOMEM, or the -errno of sd_journal_sendv(). */
int journal_log_summary(int priority, const char *message, unsigned added, unsigned removed, unsigned unchanged,
                        const char *fragment, const char *fragment_state, const char *status);
