package dev.hetero.training.operator.model;

/** Something that keeps a job from progressing, with the reason shown in its Running condition. */
public record Problem(Reason reason, String message) {
}
