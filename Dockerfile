# The image the k8s manifests run: the jar from `./mvnw package` on a Java 17 runtime, as a non-root user.
FROM eclipse-temurin:17-jre
RUN groupadd --gid 10001 kordon && useradd --uid 10001 --gid kordon --no-create-home kordon
WORKDIR /opt/kordon
COPY target/kordon.jar /opt/kordon/kordon.jar
COPY conf/kordon.yaml /opt/kordon/conf/kordon.yaml
USER 10001
# The JVM settings measured in docs/benchmarks.md; the k8s manifests set the same.
ENV JAVA_TOOL_OPTIONS="-XX:+UseG1GC -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080 8081
ENTRYPOINT ["java", "-jar", "/opt/kordon/kordon.jar"]
