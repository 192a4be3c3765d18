package io.hsip.policygateway.archfixture.persistence.compliant.feature;

import java.util.List;

/** Fixture: the fake feature's service, the only one that reads its entities. */
public class AccountService {

  /** Fixture: what a resource or a view gets back instead of an entity. */
  public record AccountSummary(String name) {}

  public List<AccountSummary> list(List<Account> accounts) {
    return accounts.stream().map(a -> new AccountSummary(a.name)).toList();
  }
}
