namespace GpuNet.Nn;

/// <summary>
/// Rows [0, count) cut into chunks of at most <c>chunk</c> rows, in order: how a network with a row capacity
/// (<see cref="Network.MaxRows"/>) runs forward over a whole dataset. A struct enumerator: no allocation per pass.
/// </summary>
public readonly struct RowChunks(int count, int chunk)
{
    public Enumerator GetEnumerator() => new(count, chunk);

    public struct Enumerator(int count, int chunk)
    {
        private int _start = -chunk;

        /// <summary>The first row of the chunk and its row count.</summary>
        public readonly (int Start, int Rows) Current => (_start, Math.Min(chunk, count - _start));

        public bool MoveNext()
        {
            _start += chunk;
            return _start < count;
        }
    }
}
