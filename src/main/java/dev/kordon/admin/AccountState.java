package dev.kordon.admin;

import dev.kordon.account.Account;

/** An account as the operator sees it: the row, and its password failures and lock from Redis. */
public record AccountState(Account account, long passwordFailures, boolean passwordLocked) {}
