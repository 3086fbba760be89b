package dev.kordon.flow;

import dev.kordon.account.AccountRepository;
import dev.kordon.account.LoginParser;
import java.util.List;

/** Who the flows serve: logins as typed, the accounts behind them, and the tariffs allowed to sign in. */
public record Subscribers(LoginParser logins, AccountRepository accounts, List<String> tariffs) {}
