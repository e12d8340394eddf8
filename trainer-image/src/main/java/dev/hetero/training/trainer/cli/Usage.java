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
        worker           one worker as in a pod: HTJ_WORKER_NAME finds its work in the plan (HTJ_PLAN_FILE);
                         COORDINATOR_ADDR, HTJ_TOKEN, HTJ_DATA_DIR, ... from the environment
        selfcheck        load the PyTorch engine offline (extracting its native libraries into DJL_CACHE_DIR),
                         run one tensor operation, print the versions; exit 0 when it works
          --device cpu|gpu           where to compute (default cpu); gpu without a CUDA device exits 69
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
        checkpoint-bench size of a checkpoint of lenet (Fashion-MNIST) and resnet20 (CIFAR-10) and the time to
                         write it durably and to read and verify it
          --workers N                workers whose optimizer state it holds (default 4)
          --writes N                 writes per model; the median is reported (default 9)
          --dir DIR                  where to write (default $TMPDIR/checkpoint-bench; use the volume to measure it)
        step-bench       median cost of one training step per model and batch, random inputs, on one device
          --device cpu|gpu           where (default cpu; PYTORCH_NUM_THREADS threads, default 1)
          --models a,b,...           subset of mlp,lenet,resnet20 (default all)
          --batches N,N,...          batch sizes (default 64,128,512)
          --warmup N, --steps N      untimed and timed steps (default 5, 20)
        sam-bench        sgd, sam and asyncSAM (one worker; asyncSAM with a helper F times slower) on LeNet and
                         Fashion-MNIST at the same budget, several seeds, on a virtual clock with calibrated costs
          --epochs N                 budget per run (default 4)
          --seeds N                  seeds 1..N per method (default 3)
          --batch N                  batch of the training worker (default 64)
          --lr X                     initial learning rate (default 0.05)
          --rho X                    SAM radius (default 0.05)
          --staleness N              asyncSAM's tau (default 1)
          --perturbation-batch auto|N   asyncSAM's b_p (default auto)
          --helper-slowdown F        the helper is F times slower than the worker (default 4)
          --local-steps N            steps per round, which only paces evaluations (default 25)
          --methods a,b,...          subset of sgd,sam,asyncSAM
          --evals-per-epoch N        evaluations per epoch (default 2)
          --live                     then each method once with real processes and sleeps (seed 1, wall clock)
          --data-dir DIR, --out DIR  as for bench (default out: runs/sam-bench)
        rebalance-bench  live rebalancing on a virtual clock, 4 LeNet workers: one worker turning F times slower
                         mid-run (static plan against rebalancing), and 2 of 4 workers labelled F times too fast
                         (static, rebalanced, correct labels)
          --epochs N                 budget per run (default 1)
          --change-round N           the slowdown starts after round N (default 10)
          --slowdown F               the slowdown and the labels' error (default 4)
          --base N                   equalTime base local steps (default 4)
          --batch N, --lr X, --seed N, --evals-per-epoch N   as for bench (defaults 64, 0.05, 42, 4)
          --data-dir DIR, --out DIR  as for bench (default out: runs/rebalance-bench)
      """;

  private Usage() {
  }
}
