package dev.hetero.training.trainer.cli;

final class Usage {
  static final String TEXT = """
      usage: java -jar hetero-trainer.jar <command> [flags]

      commands:
        run <job.yaml>   train a HeteroTrainingJob on this machine, one OS process per worker
          --algorithm syncSGD|localSGD|biasedLocalSGD   override spec.training.algorithm
          --epochs N                 override spec.training.epochs
          --out DIR                  output directory (default runs/<job name>)
          --data-dir DIR             read the data set from DIR (or use DIR as the http download cache)
          --clock wall|virtual       wall (default): simulated slowdowns sleep for real; virtual: charged only
          --evals-per-epoch N        evaluations of the averaged model per epoch (default 1)
          --quiet                    no progress line and no status block
        worker           one worker, configured from the environment (RANK, WORLD_SIZE, BATCH_SIZE, LOCAL_STEPS,
                         COORDINATOR_ADDR, HTJ_TOKEN, HTJ_PLAN_FILE, HTJ_DATA_DIR, ...) as in a pod
        selfcheck        load the PyTorch engine offline (extracting its native libraries into DJL_CACHE_DIR),
                         run one tensor operation, print the versions; exit 0 when it works
        bench            2 fast + 2 slow workers simulated in one process on a virtual clock:
                         syncSGD (all), syncSGD (fast only), local SGD without biases (fedavg),
                         top-k sampling alone, uniform weights alone (localSGD), both (biasedLocalSGD)
          --epochs N                 budget per scenario (default 4)
          --slowdown F               slow workers' slowdown factor (default 8)
          --data-dir DIR             Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)
          --out DIR                  output directory (default runs/bench)
          --lr X                     initial learning rate (default 0.05)
          --batch N                  batch per worker (default 64)
          --seed N                   seed (default 42)
          --evals-per-epoch N        evaluations per epoch (default 2)
          --scenarios a,b,...        subset of sync-all,sync-fast,fedavg,sampling,local,biased
      """;

  private Usage() {
  }
}
