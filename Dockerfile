# HSIP Policy Gateway, JVM mode.
#   ./mvnw -B package -DskipTests && docker build -t hsip-policy-gateway .
# Runs as a non-root user; configuration comes from the environment (HSIP_DB_URL, HSIP_DB_USER,
# HSIP_DB_PASSWORD) and the signing key from a mounted file (HSIP_SIGNING_KEY_FILE).
FROM registry.access.redhat.com/ubi9/openjdk-21-runtime:1.21

ENV LANGUAGE='en_US:en'

# Four layers, least to most frequently changed, so rebuilds reuse the dependency layers.
COPY --chown=185 target/quarkus-app/lib/ /deployments/lib/
COPY --chown=185 target/quarkus-app/*.jar /deployments/
COPY --chown=185 target/quarkus-app/app/ /deployments/app/
COPY --chown=185 target/quarkus-app/quarkus/ /deployments/quarkus/

EXPOSE 8080
USER 185
ENV JAVA_OPTS_APPEND="-Dquarkus.http.host=0.0.0.0 -Djava.util.logging.manager=org.jboss.logmanager.LogManager"
ENV JAVA_APP_JAR="/deployments/quarkus-run.jar"

ENTRYPOINT [ "/opt/jboss/container/java/run/run-java.sh" ]
