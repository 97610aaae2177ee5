namespace Dco.Core.Serving.OpenRtb;

/// <summary>
/// Checks bid requests and our bid responses against OpenRTB 2.6 rules: required fields, enumerations
/// in range, uniqueness, and (for a response) consistency with the request it answers. Currency codes are
/// checked for ISO 4217 shape (three capital letters), not against the live code list.
/// </summary>
public static class OpenRtbValidator
{
    public static IReadOnlyList<OpenRtbError> ValidateRequest(BidRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<OpenRtbError>();
        if (string.IsNullOrWhiteSpace(request.Id))
        {
            errors.Add(new("id", "id is required."));
        }

        if (request.Imp is null || request.Imp.Count == 0)
        {
            errors.Add(new("imp", "imp must hold at least one impression."));
        }
        else
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < request.Imp.Count; i++)
            {
                ValidateImp(request.Imp[i], $"imp[{i}]", ids, errors);
            }
        }

        if (request.Site is not null && request.App is not null)
        {
            errors.Add(new("site", "site and app are mutually exclusive; send one."));
        }
        else if (request.Site is null && request.App is null)
        {
            errors.Add(new("site", "site or app is required."));
        }

        if (request.At is { } at && at is not (1 or 2) && at <= 500)
        {
            errors.Add(new("at", $"at is {at}; allowed are 1 (first price), 2 (second price plus) or exchange-specific values above 500."));
        }

        if (request.Tmax is <= 0)
        {
            errors.Add(new("tmax", "tmax must be a positive number of milliseconds."));
        }

        Flag(request.Test, "test", errors);
        Flag(request.Allimps, "allimps", errors);
        Currencies(request.Cur, "cur", errors);
        if (request.Wseat is { Count: > 0 } && request.Bseat is { Count: > 0 })
        {
            errors.Add(new("bseat", "wseat and bseat are mutually exclusive."));
        }

        if (request.Device is { } device)
        {
            Flag(device.Dnt, "device.dnt", errors);
            Flag(device.Lmt, "device.lmt", errors);
            Flag(device.Js, "device.js", errors);
            Range(device.Devicetype, 1, 7, "device.devicetype", errors);
            Range(device.Connectiontype, 0, 7, "device.connectiontype", errors);
            ValidateGeo(device.Geo, "device.geo", errors);
        }

        if (request.User is { } user)
        {
            ValidateGeo(user.Geo, "user.geo", errors);
        }

        if (request.Site is { } site)
        {
            Flag(site.Mobile, "site.mobile", errors);
            Flag(site.Privacypolicy, "site.privacypolicy", errors);
        }

        if (request.App is { } app)
        {
            Flag(app.Paid, "app.paid", errors);
            Flag(app.Privacypolicy, "app.privacypolicy", errors);
        }

        if (request.Regs is { } regs)
        {
            Flag(regs.Coppa, "regs.coppa", errors);
            Flag(regs.Gdpr, "regs.gdpr", errors);
            if (regs.GppSid is { } sids)
            {
                for (var i = 0; i < sids.Count; i++)
                {
                    if (sids[i] < 1)
                    {
                        errors.Add(new($"regs.gpp_sid[{i}]", $"GPP section id {sids[i]} is not a section id (they start at 1)."));
                    }
                }

                if (sids.Count > 0 && string.IsNullOrWhiteSpace(regs.Gpp))
                {
                    errors.Add(new("regs.gpp", "regs.gpp is required when regs.gpp_sid lists applicable sections."));
                }
            }
        }

        if (request.Source is { } source)
        {
            Flag(source.Fd, "source.fd", errors);
        }

        return errors;
    }

    /// <summary>Checks a response we are about to return against the request it answers.</summary>
    public static IReadOnlyList<OpenRtbError> ValidateResponse(BidResponse response, BidRequest request)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<OpenRtbError>();
        if (string.IsNullOrWhiteSpace(response.Id))
        {
            errors.Add(new("id", "id is required."));
        }
        else if (!string.Equals(response.Id, request.Id, StringComparison.Ordinal))
        {
            errors.Add(new("id", $"id '{response.Id}' does not match the request id '{request.Id}'."));
        }

        var currency = response.Currency;
        if (!IsCurrency(currency))
        {
            errors.Add(new("cur", $"cur '{currency}' is not an ISO 4217 code."));
        }
        else if (request.Cur is { Count: > 0 } allowed && !allowed.Contains(currency, StringComparer.Ordinal))
        {
            errors.Add(new("cur", $"cur '{currency}' is not one of the currencies the request allows ({string.Join(", ", allowed)})."));
        }

        if (response.Seatbid is null || response.Seatbid.Count == 0)
        {
            if (response.Nbr is null)
            {
                errors.Add(new("seatbid", "seatbid must hold at least one seat bid (a no-bid is HTTP 204 or carries nbr)."));
            }

            return errors;
        }

        if (response.Nbr is not null)
        {
            errors.Add(new("nbr", "nbr is a no-bid reason; it cannot accompany bids."));
        }

        var imps = new Dictionary<string, Imp>(StringComparer.Ordinal);
        foreach (var imp in request.Imp ?? [])
        {
            if (imp.Id is not null)
            {
                imps.TryAdd(imp.Id, imp);
            }
        }

        var bidIds = new HashSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < response.Seatbid.Count; s++)
        {
            var seat = response.Seatbid[s];
            Flag(seat.Group, $"seatbid[{s}].group", errors);
            if (seat.Bid is null || seat.Bid.Count == 0)
            {
                errors.Add(new($"seatbid[{s}].bid", "bid must hold at least one bid."));
                continue;
            }

            for (var b = 0; b < seat.Bid.Count; b++)
            {
                ValidateBid(seat.Bid[b], $"seatbid[{s}].bid[{b}]", imps, currency, bidIds, errors);
            }
        }

        return errors;
    }

    private static void ValidateBid(Bid bid, string path, Dictionary<string, Imp> imps, string currency, HashSet<string> bidIds, List<OpenRtbError> errors)
    {
        if (string.IsNullOrWhiteSpace(bid.Id))
        {
            errors.Add(new($"{path}.id", "id is required."));
        }
        else if (!bidIds.Add(bid.Id))
        {
            errors.Add(new($"{path}.id", $"bid id '{bid.Id}' is used twice."));
        }

        Imp? imp = null;
        if (string.IsNullOrWhiteSpace(bid.Impid))
        {
            errors.Add(new($"{path}.impid", "impid is required."));
        }
        else if (!imps.TryGetValue(bid.Impid, out imp))
        {
            errors.Add(new($"{path}.impid", $"impid '{bid.Impid}' names no impression in the request."));
        }

        if (bid.Price is not { } price || double.IsNaN(price) || double.IsInfinity(price) || price <= 0)
        {
            errors.Add(new($"{path}.price", "price is required and must be a positive number."));
        }
        else if (imp is not null)
        {
            if (!string.Equals(imp.FloorCurrency, currency, StringComparison.Ordinal) && imp.Floor > 0)
            {
                errors.Add(new($"{path}.price", $"the impression's floor is in {imp.FloorCurrency} but the response is in {currency}; prices cannot be compared."));
            }
            else if (price < imp.Floor)
            {
                errors.Add(new($"{path}.price", $"price {price} is below the impression's bidfloor {imp.Floor} {imp.FloorCurrency}."));
            }
        }

        if (string.IsNullOrWhiteSpace(bid.Crid))
        {
            errors.Add(new($"{path}.crid", "crid is required: it identifies the creative for audit."));
        }

        if (string.IsNullOrWhiteSpace(bid.Adm) && string.IsNullOrWhiteSpace(bid.Nurl))
        {
            errors.Add(new($"{path}.adm", "adm or nurl is required to deliver the markup."));
        }

        Url(bid.Nurl, $"{path}.nurl", errors);
        Url(bid.Burl, $"{path}.burl", errors);
        Url(bid.Lurl, $"{path}.lurl", errors);
        Url(bid.Iurl, $"{path}.iurl", errors);
        Range(bid.Mtype, 1, 4, $"{path}.mtype", errors);
        if (bid.Exp is < 0)
        {
            errors.Add(new($"{path}.exp", "exp cannot be negative."));
        }

        if (bid.W is <= 0 || bid.H is <= 0)
        {
            errors.Add(new($"{path}.w", "w and h must be positive when present."));
        }

        if (imp is not null)
        {
            if (imp.Banner is null)
            {
                errors.Add(new($"{path}.impid", $"impression '{imp.Id}' offers no banner; this service only bids banners."));
            }
            else
            {
                if (bid.Mtype is { } mtype && mtype != 1)
                {
                    errors.Add(new($"{path}.mtype", $"mtype {mtype} is not 1 (banner) but the bid answers a banner impression."));
                }

                if (bid.W is { } w && bid.H is { } h && !Fits(imp.Banner, w, h))
                {
                    errors.Add(new($"{path}.w", $"size {w}x{h} is not one the impression's banner allows."));
                }
            }
        }

        if (bid.Adomain is { } domains)
        {
            for (var i = 0; i < domains.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(domains[i]) || domains[i].Contains('/', StringComparison.Ordinal))
                {
                    errors.Add(new($"{path}.adomain[{i}]", "adomain holds bare advertiser domains (e.g. 'brand.com')."));
                }
            }
        }
    }

    private static bool Fits(Banner banner, int w, int h)
    {
        if (banner.W == w && banner.H == h)
        {
            return true;
        }

        foreach (var format in banner.Format ?? [])
        {
            if (format.W == w && format.H == h)
            {
                return true;
            }

            if (format is { Wratio: > 0, Hratio: > 0 } && (long)w * format.Hratio.Value == (long)h * format.Wratio.Value && w >= (format.Wmin ?? 0))
            {
                return true;
            }
        }

        return false;
    }

    private static void ValidateImp(Imp imp, string path, HashSet<string> ids, List<OpenRtbError> errors)
    {
        if (string.IsNullOrWhiteSpace(imp.Id))
        {
            errors.Add(new($"{path}.id", "id is required."));
        }
        else if (!ids.Add(imp.Id))
        {
            errors.Add(new($"{path}.id", $"imp id '{imp.Id}' is not unique in the request."));
        }

        if (imp.Banner is null && imp.Video is null && imp.Audio is null && imp.Native is null)
        {
            errors.Add(new(path, "an impression needs at least one of banner, video, audio or native."));
        }

        if (imp.Bidfloor is { } floor && (floor < 0 || double.IsNaN(floor) || double.IsInfinity(floor)))
        {
            errors.Add(new($"{path}.bidfloor", "bidfloor must be a non-negative number."));
        }

        if (imp.Bidfloorcur is { } floorCur && !IsCurrency(floorCur))
        {
            errors.Add(new($"{path}.bidfloorcur", $"bidfloorcur '{floorCur}' is not an ISO 4217 code."));
        }

        Flag(imp.Instl, $"{path}.instl", errors);
        Flag(imp.Secure, $"{path}.secure", errors);
        Flag(imp.Clickbrowser, $"{path}.clickbrowser", errors);
        Flag(imp.Rwdd, $"{path}.rwdd", errors);
        if (imp.Banner is { } banner)
        {
            ValidateBanner(banner, $"{path}.banner", errors);
        }
    }

    private static void ValidateBanner(Banner banner, string path, List<OpenRtbError> errors)
    {
        if (banner.Format is { Count: > 0 } formats)
        {
            for (var i = 0; i < formats.Count; i++)
            {
                var format = formats[i];
                var exact = format.W is > 0 && format.H is > 0;
                var flexible = format.Wratio is > 0 && format.Hratio is > 0 && format.Wmin is > 0;
                if (!exact && !flexible)
                {
                    errors.Add(new($"{path}.format[{i}]", "a format needs w and h, or wratio, hratio and wmin, all positive."));
                }
            }
        }
        else
        {
            if (banner.W is not > 0)
            {
                errors.Add(new($"{path}.w", "w is required (positive) when the banner has no format list."));
            }

            if (banner.H is not > 0)
            {
                errors.Add(new($"{path}.h", "h is required (positive) when the banner has no format list."));
            }
        }

        Range(banner.Pos, 0, 7, $"{path}.pos", errors);
        Flag(banner.Topframe, $"{path}.topframe", errors);
        Flag(banner.Vcm, $"{path}.vcm", errors);
        RangeEach(banner.Btype, 1, 4, $"{path}.btype", errors);
        RangeEach(banner.Battr, 1, 17, $"{path}.battr", errors);
        RangeEach(banner.Expdir, 1, 6, $"{path}.expdir", errors);
        RangeEach(banner.Api, 1, 8, $"{path}.api", errors);
    }

    private static void ValidateGeo(Geo? geo, string path, List<OpenRtbError> errors)
    {
        if (geo is null)
        {
            return;
        }

        if (geo.Lat is { } lat && (lat < -90 || lat > 90 || double.IsNaN(lat)))
        {
            errors.Add(new($"{path}.lat", "lat must lie in [-90, 90]."));
        }

        if (geo.Lon is { } lon && (lon < -180 || lon > 180 || double.IsNaN(lon)))
        {
            errors.Add(new($"{path}.lon", "lon must lie in [-180, 180]."));
        }

        Range(geo.Type, 1, 3, $"{path}.type", errors);
        if (geo.Country is { } country && (country.Length != 3 || !IsUpperAscii(country)))
        {
            errors.Add(new($"{path}.country", $"country '{country}' is not an ISO 3166-1 alpha-3 code."));
        }
    }

    private static void Currencies(IReadOnlyList<string>? codes, string path, List<OpenRtbError> errors)
    {
        if (codes is null)
        {
            return;
        }

        for (var i = 0; i < codes.Count; i++)
        {
            if (!IsCurrency(codes[i]))
            {
                errors.Add(new($"{path}[{i}]", $"'{codes[i]}' is not an ISO 4217 currency code."));
            }
        }
    }

    private static bool IsCurrency(string? code) => code is { Length: 3 } && IsUpperAscii(code);

    private static bool IsUpperAscii(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterUpper(c))
            {
                return false;
            }
        }

        return true;
    }

    private static void Url(string? value, string path, List<OpenRtbError> errors)
    {
        if (value is null)
        {
            return;
        }

        // Macros such as ${AUCTION_PRICE} are legal in these URLs; substitute before parsing.
        var probe = value.Replace("${", "x", StringComparison.Ordinal).Replace("}", "x", StringComparison.Ordinal);
        if (!Uri.TryCreate(probe, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add(new(path, "must be an absolute http(s) URL."));
        }
    }

    private static void Flag(int? value, string path, List<OpenRtbError> errors)
    {
        if (value is { } v && v is not (0 or 1))
        {
            errors.Add(new(path, $"{path[(path.LastIndexOf('.') + 1)..]} is {v}; only 0 or 1 are allowed."));
        }
    }

    private static void Range(int? value, int min, int max, string path, List<OpenRtbError> errors)
    {
        if (value is { } v && (v < min || v > max))
        {
            errors.Add(new(path, $"{v} is outside the 2.6 enumeration ({min}-{max})."));
        }
    }

    private static void RangeEach(IReadOnlyList<int>? values, int min, int max, string path, List<OpenRtbError> errors)
    {
        if (values is null)
        {
            return;
        }

        for (var i = 0; i < values.Count; i++)
        {
            Range(values[i], min, max, $"{path}[{i}]", errors);
        }
    }
}
