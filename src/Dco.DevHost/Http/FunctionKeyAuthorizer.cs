using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Dco.DevHost.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Dco.DevHost.Http;

/// <summary>
/// Enforces <see cref="AuthorizationLevel"/> with keys from configuration, like the Functions host:
/// the key comes in the <c>x-functions-key</c> header or the <c>code</c> query parameter; the master
/// key passes every level; function keys pass <c>Function</c>; <c>Admin</c> needs the master key.
/// </summary>
public sealed class FunctionKeyAuthorizer(IOptionsMonitor<DevHostOptions> options)
{
    public const string KeyHeader = "x-functions-key";

    /// <summary>Claim type the Functions host puts on key-authorized requests; the value is the key's level.</summary>
    public const string AuthLevelClaimType = "http://schemas.microsoft.com/2017/07/functions/claims/authlevel";

    /// <summary>Keys of up to this many UTF-8 bytes are compared padded to this width; longer ones by SHA-256 digest.</summary>
    public const int PaddedWidth = 128;

    // The padded form of each configured key (a handful, changed only by reconfiguration).
    private readonly ConcurrentDictionary<string, StoredKey> configured = new(StringComparer.Ordinal);

    public bool IsAuthorized(HttpRequest request, AuthorizationLevel level) => Authorize(request, level) is not null;

    /// <summary>The level of the key presented (Admin for the master key, Function for a function key), or null when refused.</summary>
    public AuthorizationLevel? Authorize(HttpRequest request, AuthorizationLevel level)
    {
        ArgumentNullException.ThrowIfNull(request);
        var granted = Presented(request);
        if (level == AuthorizationLevel.Anonymous)
        {
            return granted ?? AuthorizationLevel.Anonymous;
        }

        return granted is null || (level is AuthorizationLevel.Admin or AuthorizationLevel.System && granted != AuthorizationLevel.Admin) ? null : granted;
    }

    private AuthorizationLevel? Presented(HttpRequest request)
    {
        string? presented = request.Headers[KeyHeader];
        if (string.IsNullOrEmpty(presented))
        {
            presented = request.Query["code"];
        }

        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        // Compared in constant time, so that neither the length nor the content of a configured key leaks: both
        // sides in one layout with their byte counts (ComparableKey), with no hash or array per request unless the
        // presented key is longer than the padded width.
        Span<byte> buffer = stackalloc byte[ComparableKey.Size];
        var presentedKey = ComparableKey.Write(presented, buffer);
        var current = options.CurrentValue;
        if (Matches(presentedKey, current.MasterKey))
        {
            return AuthorizationLevel.Admin;
        }

        var any = false;
        foreach (var key in current.FunctionKeys.Values)
        {
            any |= Matches(presentedKey, key); // no early exit: time does not depend on which key matched
        }

        return any ? AuthorizationLevel.Function : null;
    }

    private bool Matches(ComparableKey presented, string? expected) =>
        !string.IsNullOrEmpty(expected) && presented.Matches(configured.GetOrAdd(expected, static key => ComparableKey.Of(key)));

    /// <summary>
    /// A key as compared, in <see cref="Size"/> bytes whatever its length: its UTF-8 bytes zero-padded to
    /// <see cref="PaddedWidth"/>, then zeros; or, when it is longer, zeros, then its SHA-256 digest. With the
    /// byte count (-1 for a digest) compared too, every pair of keys takes the same time to compare.
    /// </summary>
    internal readonly ref struct ComparableKey
    {
        public const int Size = PaddedWidth + SHA256.HashSizeInBytes;

        private readonly ReadOnlySpan<byte> bytes;
        private readonly int length;

        private ComparableKey(ReadOnlySpan<byte> bytes, int length)
        {
            this.bytes = bytes;
            this.length = length;
        }

        /// <summary>A configured key, kept: its own array.</summary>
        public static StoredKey Of(string key)
        {
            var written = Write(key, new byte[Size]);
            return new StoredKey(written.bytes.ToArray(), written.length);
        }

        /// <summary><paramref name="key"/> written into <paramref name="buffer"/> (<see cref="Size"/> bytes, zeroed here).</summary>
        public static ComparableKey Write(string key, Span<byte> buffer)
        {
            buffer = buffer[..Size];
            buffer.Clear();
            var utf8Length = Encoding.UTF8.GetByteCount(key);
            if (utf8Length > PaddedWidth)
            {
                SHA256.HashData(Encoding.UTF8.GetBytes(key), buffer[PaddedWidth..]);
                return new(buffer, -1);
            }

            Encoding.UTF8.GetBytes(key, buffer);
            return new(buffer, utf8Length);
        }

        public bool Matches(StoredKey stored) => SameBytes(bytes, stored.Bytes) & (length == stored.Length);

        /// <summary>
        /// Whether two <see cref="Size"/>-byte layouts are equal, in constant time: eight bytes at a time, their
        /// differences OR-ed together with no branch on the data. (<see cref="CryptographicOperations.FixedTimeEquals"/>
        /// is compiled without optimization, so that no early exit can appear, and took ~0.2 µs for these 160 bytes:
        /// ~1 % of decide's host CPU for the master and one function key.)
        /// </summary>
        internal static bool SameBytes(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
        {
            if (left.Length != Size || right.Length != Size)
            {
                throw new ArgumentException($"Both layouts must be {Size} bytes.");
            }

            ulong difference = 0;
            for (var i = 0; i < Size; i += sizeof(ulong))
            {
                difference |= BinaryPrimitives.ReadUInt64LittleEndian(left[i..]) ^ BinaryPrimitives.ReadUInt64LittleEndian(right[i..]);
            }

            return difference == 0;
        }
    }

    /// <summary>A configured key in the form <see cref="ComparableKey"/> compares.</summary>
    internal sealed record StoredKey(byte[] Bytes, int Length);
}
