using System.Globalization;

namespace GpuNet.Data;

/// <summary>
/// The Python literal of a .npy header: a dict of string keys whose values are strings, True/False, or tuples of
/// non-negative integers, e.g. <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>. Anything else
/// (a list, as structured dtypes use, is kept as a marker so the caller can say so) is an error naming the file.
/// </summary>
internal static class NpyDict
{
    /// <summary>The value of a list (a structured dtype's descr): the caller names what it is.</summary>
    internal sealed record ListValue;

    public static Dictionary<string, object> Parse(string text, string name)
    {
        var p = new Cursor(text, name);
        var fields = new Dictionary<string, object>(StringComparer.Ordinal);
        p.Expect('{');
        while (!p.TryTake('}'))
        {
            string key = p.String();
            p.Expect(':');
            if (!fields.TryAdd(key, p.Value()))
                throw p.Error($"the key {ClassEncoding.Echo(key)} appears twice");
            if (!p.TryTake(',')) { p.Expect('}'); break; }
        }
        p.End();
        return fields;
    }

    private sealed class Cursor(string text, string name)
    {
        private int _at;

        public DataException Error(string what) => new($"{name}: header is not a valid .npy dict: {what} (at character {_at})");

        private void Skip() { while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++; }

        public bool TryTake(char c)
        {
            Skip();
            if (_at < text.Length && text[_at] == c) { _at++; return true; }
            return false;
        }

        public void Expect(char c)
        {
            if (!TryTake(c)) throw Error($"expected '{c}'");
        }

        public void End()
        {
            Skip();
            if (_at != text.Length) throw Error("text after the dict");
        }

        public string String()
        {
            Skip();
            if (_at >= text.Length || text[_at] is not ('\'' or '"')) throw Error("expected a quoted string");
            char quote = text[_at++];
            int end = text.IndexOf(quote, _at);
            if (end < 0) throw Error("unterminated string");
            string value = text[_at..end];
            _at = end + 1;
            return value;
        }

        public object Value()
        {
            Skip();
            if (_at >= text.Length) throw Error("expected a value");
            char c = text[_at];
            if (c is '\'' or '"') return String();
            if (c == '(') return Tuple();
            if (c == '[') { SkipList(); return new ListValue(); }
            foreach (var (word, value) in new[] { ("True", true), ("False", false) })
                if (string.CompareOrdinal(text, _at, word, 0, word.Length) == 0) { _at += word.Length; return value; }
            throw Error("expected a string, True, False or a tuple");
        }

        private long[] Tuple()
        {
            Expect('(');
            var sizes = new List<long>();
            while (!TryTake(')'))
            {
                Skip();
                int start = _at;
                while (_at < text.Length && char.IsAsciiDigit(text[_at])) _at++;
                if (!long.TryParse(text.AsSpan(start, _at - start), NumberStyles.None, CultureInfo.InvariantCulture, out long size))
                    throw Error("expected a non-negative integer size");
                sizes.Add(size);
                if (!TryTake(',')) { Expect(')'); break; }
            }
            return [.. sizes];
        }

        private void SkipList()
        {
            int depth = 0;
            for (; _at < text.Length; _at++)
            {
                if (text[_at] is '[' or '(') depth++;
                else if (text[_at] is ']' or ')' && --depth == 0) { _at++; return; }
            }
            throw Error("unterminated list");
        }
    }
}
