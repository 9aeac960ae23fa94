/// out[r] = bias for every row r of out (rows, width): the bias that a
/// product with beta = 1 then adds to (the products without a bias of their
/// own: OpenBLAS). Rows split over the threads.
public func broadcastRows<T: Real>(_ out: UnsafeMutablePointer<T>, _ bias: UnsafePointer<T>, rows: Int, width: Int) {
    Parallel.ranges(rows, parts: KernelThreads.current, minimum: Parallel.minimumRows(width: width)) { rows in
        for r in rows { (out + r * width).update(from: bias, count: width) }
    }
}
