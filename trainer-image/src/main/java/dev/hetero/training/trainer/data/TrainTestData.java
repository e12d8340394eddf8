package dev.hetero.training.trainer.data;

/** The training and test splits of one data set. */
public record TrainTestData(ImageDataset train, ImageDataset test) {
}
