/// The four special tokens, first in every vocabulary, with the same ids on
/// both sides: `<pad>` fills batches, `<unk>` stands for a subword the
/// vocabulary lacks, `<s>` starts the decoder's input, `<EOS>` ends every
/// source and every target (Sutskever et al. 2014). The one place their ids
/// are defined: text, model, kernels and search all read them here.
public enum SpecialTokens {
    public static let pad: Int32 = 0
    public static let unk: Int32 = 1
    public static let bos: Int32 = 2
    public static let eos: Int32 = 3
    /// Their spellings in a vocabulary file, in id order.
    public static let names = ["<pad>", "<unk>", "<s>", "<EOS>"]
}
