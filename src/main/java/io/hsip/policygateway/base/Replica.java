package io.hsip.policygateway.base;

/** This process among the gateway's replicas. */
public final class Replica {

  private static final String NAME = compute();

  private Replica() {}

  /**
   * The name this replica reports its figures under: the pod name in Kubernetes, else host and
   * process id; at most 128 characters.
   */
  public static String name() {
    return NAME;
  }

  private static String compute() {
    String host = System.getenv("HOSTNAME");
    String base = host == null || host.isBlank() ? "gateway" : host;
    String name = base + "-" + ProcessHandle.current().pid();
    return name.length() <= 128 ? name : name.substring(0, 128);
  }
}
