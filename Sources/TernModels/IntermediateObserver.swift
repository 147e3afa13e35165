/// Receives named intermediate tensors of a forward pass (llama.cpp's names: `attn_norm-3`,
/// `Qcur-3`, `kqv_out-3`, `ffn_out-3`, `l_out-3`...), so activations can be compared layer by
/// layer with another implementation. `values` holds `rows` rows (one per batch token) and is
/// only valid during the call.
public protocol IntermediateObserver: AnyObject {
    func observe(name: String, values: UnsafeBufferPointer<Float>, rows: Int)
}
