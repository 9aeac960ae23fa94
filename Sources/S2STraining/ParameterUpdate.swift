import S2SKernels
import S2SModel

/// How a training step ends: the gradient summed in `model.gradients`
/// clipped to a global norm, the optimizer's step on the parameters, and
/// the gradients left zero for the next step. It owns the optimizer's state
/// (Adam's moments, checkpointed with the parameters). The trainer's update,
/// and the one s2s-bench times.
public final class ParameterUpdate {
    public let model: Seq2Seq<Float>
    public let optimizer: TrainingOptions.Optimizer
    /// The global norm the gradient is clipped to (0: not clipped).
    public let maxNorm: Double
    /// Adam's first and second moments, one value a parameter (unused by SGD).
    public let m: Arena<Float>
    public let v: Arena<Float>

    public init(model: Seq2Seq<Float>, optimizer: TrainingOptions.Optimizer, maxNorm: Double) {
        self.model = model
        self.optimizer = optimizer
        self.maxNorm = maxNorm
        m = Arena<Float>(capacity: model.layout.count)
        v = Arena<Float>(capacity: model.layout.count)
    }

    /// Clips the gradient in place; its norm before clipping.
    @discardableResult
    public func clip() -> Double {
        GradClip.clip(model.gradients.base, count: model.layout.count, maxNorm: maxNorm, threads: KernelThreads.current)
    }

    /// The optimizer's step at `learningRate` (`step` counts from 1: Adam's
    /// bias correction); the gradients are zero after it.
    public func step(learningRate: Double, step: Int) {
        let n = model.layout.count
        switch optimizer {
        case .adam:
            // Adam's pass over the parameters zeroes each gradient as it reads it.
            Adam.update(params: model.parameters.base, m: m.base, v: v.base, grads: model.gradients.base,
                        count: n, learningRate: learningRate, step: step, zeroGradients: true)
        case .sgd:
            SGD.update(params: model.parameters.base, grads: model.gradients.base, count: n, learningRate: learningRate)
            model.zeroGradients()
        }
    }

    /// `clip`, then `step`; the gradient's norm before clipping.
    public func apply(learningRate: Double, step: Int) -> Double {
        let norm = clip()
        self.step(learningRate: learningRate, step: step)
        return norm
    }
}
