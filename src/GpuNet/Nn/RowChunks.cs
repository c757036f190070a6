namespace GpuNet.Nn;

/// <summary>
/// Rows [first, first + count) cut into chunks of at most <c>chunk</c> rows, in order: how a network with a row capacity
/// (<see cref="Network.MaxRows"/>) runs forward over a whole dataset, or over one rank's share of it. A struct
/// enumerator: no allocation per pass.
/// </summary>
public readonly struct RowChunks(int first, int count, int chunk)
{
    public Enumerator GetEnumerator() => new(first, first + count, chunk);

    public struct Enumerator(int first, int end, int chunk)
    {
        private int _start = first - chunk;

        /// <summary>The first row of the chunk and its row count.</summary>
        public readonly (int Start, int Rows) Current => (_start, Math.Min(chunk, end - _start));

        public bool MoveNext()
        {
            _start += chunk;
            return _start < end;
        }
    }
}
