package dev.kordon.flow;

import dev.kordon.account.AccountRepository;
import dev.kordon.account.LoginParser;

/**
 * Who the flows serve: logins as typed, and the accounts behind them. Which of them may sign in is
 * {@link SignIn}'s rule alone.
 */
public record Subscribers(LoginParser logins, AccountRepository accounts) {}
