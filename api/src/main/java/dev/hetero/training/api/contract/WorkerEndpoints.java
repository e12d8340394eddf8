package dev.hetero.training.api.contract;

/**
 * Where one worker finds the others and its files: the part of its environment that differs
 * between a pod (headless-Service name, mounted volumes) and the one-machine runner (loopback,
 * directories under the run folder).
 *
 * @param coordinatorAddress host:port of rank 0
 * @param planFile path of the plan document
 * @param checkpointDir checkpoint directory
 * @param dataDir the data set's directory, or the download cache of an http source
 * @param cacheDir writable directory for DJL's native libraries
 * @param tmpDir writable temporary directory (also HOME)
 * @param metricsPort port of /metrics ("0" picks a free one, "off" disables it)
 */
public record WorkerEndpoints(String coordinatorAddress, String planFile, String checkpointDir, String dataDir,
    String cacheDir, String tmpDir, String metricsPort) {
}
