"""Word banks for the replica's Vietnamese district news: people, offices, events and sentence templates.

Everything here is an immutable constant; the generator in :mod:`dvscrape.replica.prose` picks from these with a
seeded ``random.Random``. Template slots are ``str.format`` fields filled by the generator.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SURNAMES: tuple[str, ...] = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Trương",
    "Đinh",
    "Lâm",
    "Mai",
)
MIDDLE_NAMES: tuple[str, ...] = (
    "Văn",
    "Thị",
    "Hoàng",
    "Minh",
    "Thanh",
    "Ngọc",
    "Quốc",
    "Hữu",
    "Thành",
    "Bá",
    "Tấn",
    "Đức",
    "Kim",
    "Thu",
    "Xuân",
    "Phương",
    "Anh",
    "Hồng",
)
GIVEN_NAMES: tuple[str, ...] = (
    "Long",
    "Thành",
    "Đạt",
    "Lộc",
    "Hùng",
    "Dũng",
    "Hương",
    "Lan",
    "Tâm",
    "Phúc",
    "Nam",
    "Hải",
    "Trang",
    "Hòa",
    "Bình",
    "Sơn",
    "Tuấn",
    "Quang",
    "Hạnh",
    "Nhung",
    "Khoa",
    "Vinh",
    "Thảo",
    "Yến",
    "Nga",
    "Cường",
    "Hiếu",
    "Trí",
    "Nhân",
    "Thủy",
)

DISTRICT_ROLES: tuple[str, ...] = (
    "Bí thư Quận ủy quận Tân Bình",
    "Phó Bí thư Thường trực Quận ủy quận Tân Bình",
    "Phó Bí thư Quận ủy, Chủ tịch Ủy ban nhân dân quận Tân Bình",
    "Phó Chủ tịch Ủy ban nhân dân quận Tân Bình",
    "Ủy viên Ban Thường vụ, Trưởng ban Dân vận Quận ủy quận Tân Bình",
    "Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam quận Tân Bình",
    "Chỉ huy trưởng Ban Chỉ huy Quân sự quận",
    "Trưởng Công an quận Tân Bình",
    "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân quận",
    "Trưởng phòng Nội vụ quận",
    "Trưởng phòng Văn hóa và Thông tin quận",
    "Trưởng phòng Lao động - Thương binh và Xã hội quận",
    "Trưởng phòng Kinh tế quận",
    "Chủ tịch Hội Liên hiệp Phụ nữ quận",
    "Bí thư Quận Đoàn Tân Bình",
)
CITY_ROLES: tuple[str, ...] = (
    "Chuyên viên Ban Dân vận Thành ủy TPHCM",
    "Phó Giám đốc Sở Nội vụ Thành phố",
    "Phó Giám đốc Sở Thông tin và Truyền thông Thành phố",
    "Ủy viên Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố",
    "đại diện Văn phòng Ủy ban nhân dân Thành phố",
)
WARD_ROLE_TEMPLATES: tuple[str, ...] = (
    "Bí thư Đảng ủy Phường {ward}",
    "Phó Bí thư Thường trực Đảng ủy Phường {ward}",
    "Chủ tịch Ủy ban nhân dân Phường {ward}",
    "Phó Chủ tịch Ủy ban nhân dân Phường {ward}",
    "Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam Phường {ward}",
)

DISTRICT_UNITS: tuple[str, ...] = (
    "Ủy ban nhân dân quận Tân Bình",
    "Ban Dân vận Quận ủy",
    "Ủy ban Mặt trận Tổ quốc Việt Nam quận Tân Bình",
    "Hội Liên hiệp Phụ nữ quận",
    "Quận Đoàn Tân Bình",
    "Hội Cựu chiến binh quận",
    "Phòng Tư pháp quận",
    "Phòng Văn hóa và Thông tin quận",
    "Trung tâm Văn hóa - Thể thao quận Tân Bình",
    "Ban Chỉ huy Quân sự quận",
    "Công an quận Tân Bình",
    "Chi cục Thuế quận Tân Bình",
    "Phòng Kinh tế quận",
    "Phòng Giáo dục và Đào tạo quận",
    "Trung tâm Y tế quận Tân Bình",
    "Phòng Nội vụ quận",
)

SIGNATURE_UNITS: tuple[str, ...] = (
    "BAN DÂN VẬN QUẬN ỦY.",
    "PHÒNG VĂN HÓA VÀ THÔNG TIN",
    "VĂN PHÒNG HĐND VÀ UBND QUẬN",
    "UBND PHƯỜNG {ward}",
    "TRUNG TÂM VĂN HÓA - THỂ THAO",
    "BAN CHỈ HUY QUÂN SỰ QUẬN",
    "PHÒNG NỘI VỤ",
    "HỘI LIÊN HIỆP PHỤ NỮ QUẬN",
    "QUẬN ĐOÀN TÂN BÌNH",
    "PHÒNG TƯ PHÁP",
)
SIGNATURE_PEOPLE: tuple[str, ...] = (
    "Thanh Tâm",
    "Ngọc Ánh",
    "Minh Thư",
    "Hoàng Phúc",
    "Thu Hằng",
    "Quốc Bảo",
    "Kim Ngân",
    "Hữu Nghĩa",
)

# Per category: (event noun phrase, short reference to it) and the topics its sentences talk about.
EVENTS: Mapping[str, tuple[tuple[str, str], ...]] = MappingProxyType(
    {
        "tin-tuc-su-kien": (
            ("hội nghị tổng kết công tác năm {year_before} và triển khai nhiệm vụ năm {year}", "hội nghị"),
            ("hội nghị sơ kết 6 tháng đầu năm {year}", "hội nghị"),
            ("lễ kỷ niệm {party_years} năm Ngày thành lập Đảng Cộng sản Việt Nam", "buổi lễ"),
            ("buổi họp mặt kỷ niệm Ngày Giải phóng miền Nam, thống nhất đất nước", "buổi họp mặt"),
            ("hội nghị tiếp xúc cử tri với đại biểu Hội đồng nhân dân Thành phố", "hội nghị"),
            ("hội nghị học tập, quán triệt Nghị quyết của Ban Chấp hành Trung ương Đảng", "hội nghị"),
            ("buổi đối thoại giữa người đứng đầu cấp ủy, chính quyền với Nhân dân", "buổi đối thoại"),
            ("lễ ra mắt mô hình “Dân vận khéo” tại khu phố", "buổi lễ"),
        ),
        "kinh-te-xa-hoi": (
            ("hội nghị đối thoại với doanh nghiệp về chính sách thuế năm {year}", "hội nghị"),
            ("buổi giám sát tình hình thực hiện dự toán ngân sách năm {year}", "buổi giám sát"),
            ("hội nghị triển khai công tác chỉnh trang đô thị, lập lại trật tự lòng lề đường", "hội nghị"),
            ("chương trình kết nối cung cầu hàng hóa, bình ổn thị trường", "chương trình"),
            ("buổi làm việc về tiến độ các công trình trọng điểm của quận", "buổi làm việc"),
            ("hội nghị sơ kết công tác quản lý chợ và an toàn thực phẩm", "hội nghị"),
            ("buổi khảo sát tình hình sản xuất, kinh doanh của hộ cá thể", "buổi khảo sát"),
        ),
        "van-hoa-xa-hoi": (
            ("chương trình “Xuân yêu thương” chăm lo Tết cho hộ nghèo, hộ cận nghèo", "chương trình"),
            ("lễ khai mạc Hội thao cán bộ, công chức, viên chức quận năm {year}", "buổi lễ"),
            ("ngày hội “Toàn dân đoàn kết xây dựng đời sống văn hóa” ở khu dân cư", "ngày hội"),
            ("lễ tuyên dương học sinh, sinh viên tiêu biểu năm học {school_year}", "buổi lễ"),
            ("chương trình trao tặng sổ tiết kiệm và học bổng cho trẻ em có hoàn cảnh khó khăn", "chương trình"),
            ("hội thi tìm hiểu về chủ quyền biển, đảo Việt Nam", "hội thi"),
            ("chiến dịch tiêm chủng và khám sức khỏe miễn phí cho người cao tuổi", "chiến dịch"),
            ("lễ khánh thành “Không gian văn hóa Hồ Chí Minh” tại trụ sở phường", "buổi lễ"),
        ),
        "cai-cach-hanh-chinh": (
            ("hội nghị sơ kết công tác cải cách hành chính 6 tháng đầu năm {year}", "hội nghị"),
            ("hội nghị triển khai Đề án 06 về ứng dụng dữ liệu dân cư, định danh và xác thực điện tử", "hội nghị"),
            ("lớp tập huấn nghiệp vụ một cửa, một cửa liên thông cho công chức phường", "lớp tập huấn"),
            ("buổi kiểm tra công tác cải cách hành chính tại Ủy ban nhân dân các phường", "buổi kiểm tra"),
            ("ngày hội chuyển đổi số và hướng dẫn người dân sử dụng dịch vụ công trực tuyến", "ngày hội"),
            ("hội nghị đánh giá chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính", "hội nghị"),
        ),
        "an-ninh-quoc-phong": (
            ("lễ giao nhận quân năm {year}", "buổi lễ"),
            ("hội nghị tổng kết công tác tuyển chọn và gọi công dân nhập ngũ năm {year}", "hội nghị"),
            ("buổi diễn tập phương án chữa cháy và cứu nạn, cứu hộ tại khu dân cư", "buổi diễn tập"),
            ("hội nghị sơ kết phong trào toàn dân bảo vệ an ninh Tổ quốc", "hội nghị"),
            ("lễ ra quân tấn công, trấn áp tội phạm, bảo đảm trật tự an toàn xã hội", "buổi lễ"),
            ("buổi tuyên truyền phòng, chống ma túy trong học đường", "buổi tuyên truyền"),
            ("hội thao dân quân tự vệ quận năm {year}", "hội thao"),
        ),
    }
)

TITLE_VERBS: tuple[str, ...] = ("tổ chức", "long trọng tổ chức", "triển khai", "phối hợp tổ chức", "tổ chức thành công")

ACHIEVEMENTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "tin-tuc-su-kien": (
            "triển khai đồng bộ các nhiệm vụ chính trị, đạt và vượt nhiều chỉ tiêu Nghị quyết đề ra",
            "phát huy vai trò của hệ thống chính trị trong việc tập hợp, vận động Nhân dân",
            "thực hiện nghiêm Quy chế dân chủ ở cơ sở, tạo sự đồng thuận cao trong Nhân dân",
            "kịp thời giải quyết các kiến nghị, bức xúc chính đáng của người dân",
        ),
        "kinh-te-xa-hoi": (
            "đạt {percent}% dự toán thu ngân sách nhà nước, tăng so với cùng kỳ",
            "duy trì tăng trưởng ổn định của các ngành thương mại, dịch vụ trên địa bàn",
            "tháo gỡ kịp thời khó khăn, vướng mắc cho doanh nghiệp và hộ kinh doanh",
            "hoàn thành chỉnh trang {count} tuyến đường, góp phần lập lại trật tự đô thị",
        ),
        "van-hoa-xa-hoi": (
            "vận động được hơn {amount} tỷ đồng để chăm lo cho các đối tượng yếu thế",
            "trao tặng {count} phần quà cho hộ nghèo, hộ cận nghèo và gia đình chính sách",
            "duy trì hiệu quả phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”",
            "bảo đảm 100% trẻ em trong độ tuổi được đến trường",
        ),
        "cai-cach-hanh-chinh": (
            "tiếp nhận và giải quyết đúng hạn {percent}% hồ sơ thủ tục hành chính",
            "đưa {count} thủ tục hành chính lên dịch vụ công trực tuyến toàn trình",
            "nâng mức độ hài lòng của người dân và tổ chức lên trên {percent}%",
            "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính theo đúng quy định",
        ),
        "an-ninh-quoc-phong": (
            "hoàn thành 100% chỉ tiêu giao quân với chất lượng được nâng lên",
            "kéo giảm {percent}% số vụ phạm pháp hình sự so với cùng kỳ",
            "xây dựng {count} mô hình tự quản về an ninh trật tự tại khu dân cư",
            "tổ chức huấn luyện lực lượng dân quân tự vệ đạt yêu cầu đề ra",
        ),
    }
)

MIDDLE_SENTENCES: tuple[str, ...] = (
    "Theo báo cáo, trong thời gian qua, {unit} đã {achievement}.",
    "Bên cạnh những kết quả đạt được, {unit} cũng thẳng thắn chỉ ra một số hạn chế, tồn tại cần sớm khắc phục.",
    "Công tác tuyên truyền được thực hiện thường xuyên, đa dạng về hình thức, góp phần nâng cao nhận thức của "
    "cán bộ, đảng viên và Nhân dân.",
    "Các phường đã chủ động xây dựng kế hoạch, phân công nhiệm vụ cụ thể cho từng cán bộ, công chức phụ trách.",
    "Qua đó, {unit} đã {achievement}, tạo chuyển biến tích cực trên địa bàn.",
    "Việc phối hợp giữa các cơ quan, đơn vị được duy trì chặt chẽ, kịp thời tháo gỡ những khó khăn, vướng mắc "
    "phát sinh.",
    "Nhiều mô hình, cách làm hay tại khu dân cư được nhân rộng, nhận được sự hưởng ứng tích cực của Nhân dân.",
    "Tính đến nay, toàn quận đã {achievement}.",
    "Đại diện Phường {ward} chia sẻ kinh nghiệm trong việc huy động sức dân, phát huy vai trò của tổ dân phố "
    "và Ban điều hành khu phố.",
    "Ủy ban nhân dân Phường {ward} đã phối hợp với Ủy ban Mặt trận Tổ quốc Việt Nam phường tổ chức nhiều hoạt động "
    "thiết thực, hướng về cơ sở.",
    "Hội nghị cũng được nghe các ý kiến tham luận, đóng góp của đại diện các phường và cơ quan chuyên môn quận.",
    "Công tác tiếp công dân, giải quyết đơn thư khiếu nại, tố cáo được tập trung thực hiện nghiêm từ quận đến phường.",
    "Nhiều ý kiến cho rằng cần tiếp tục đổi mới phương thức vận động, lấy sự hài lòng của người dân làm thước đo.",
    "Ban Chỉ đạo quận thường xuyên kiểm tra, đôn đốc, kịp thời chấn chỉnh những thiếu sót tại cơ sở.",
    "Kinh phí thực hiện được huy động từ nguồn xã hội hóa, không sử dụng ngân sách nhà nước.",
    "Đến nay, {count} hộ gia đình trên địa bàn Phường {ward} đã đăng ký tham gia và cam kết thực hiện.",
    "Các đại biểu đã tập trung thảo luận, làm rõ nguyên nhân của những hạn chế và đề xuất nhiều giải pháp khả thi.",
    "Cán bộ, công chức được phân công trực tiếp hướng dẫn người dân tại khu phố, tổ dân phố.",
    "Qua theo dõi, chất lượng phục vụ người dân tại Bộ phận tiếp nhận và trả kết quả ngày càng được nâng lên.",
    "Ủy ban nhân dân quận đã ban hành kế hoạch cụ thể, giao chỉ tiêu cho từng phòng, ban và {count} khu phố.",
    "Trong năm {year_before}, {unit} đã {achievement}.",
    "Thông qua hoạt động này, tinh thần đoàn kết, tương thân tương ái trong cộng đồng tiếp tục được lan tỏa.",
)

CLOSING_SENTENCES: tuple[str, ...] = (
    "Phát biểu chỉ đạo tại {short}, đồng chí {person}, {role} đề nghị các cơ quan, đơn vị tiếp tục {task}; "
    "đồng thời {task2}.",
    "Kết thúc {short}, đồng chí {person}, {role} ghi nhận, biểu dương những kết quả đạt được và yêu cầu các "
    "đơn vị {task}.",
    "Dịp này, {unit} đã trao giấy khen cho {count} tập thể và cá nhân có thành tích xuất sắc trong {topic}.",
)

TASKS: tuple[str, ...] = (
    "nâng cao tinh thần trách nhiệm, phát huy vai trò nêu gương của người đứng đầu",
    "đẩy mạnh ứng dụng công nghệ thông tin, thực hiện chuyển đổi số trong hoạt động công vụ",
    "tăng cường kiểm tra, giám sát việc thực hiện các chỉ tiêu, nhiệm vụ đã đề ra",
    "quan tâm chăm lo đời sống vật chất và tinh thần cho Nhân dân, nhất là các đối tượng yếu thế",
    "phát huy dân chủ, thực hiện tốt phương châm “Dân biết, dân bàn, dân làm, dân kiểm tra, dân giám sát, "
    "dân thụ hưởng”",
    "kịp thời nắm bắt tâm tư, nguyện vọng của Nhân dân để có giải pháp phù hợp",
    "rà soát, đơn giản hóa thủ tục hành chính, tạo thuận lợi cho người dân và doanh nghiệp",
    "giữ vững an ninh chính trị, trật tự an toàn xã hội trên địa bàn",
)

TOPICS: Mapping[str, str] = MappingProxyType(
    {
        "tin-tuc-su-kien": "công tác xây dựng Đảng và hệ thống chính trị",
        "kinh-te-xa-hoi": "phát triển kinh tế - xã hội",
        "van-hoa-xa-hoi": "công tác an sinh xã hội",
        "cai-cach-hanh-chinh": "công tác cải cách hành chính",
        "an-ninh-quoc-phong": "công tác quốc phòng, an ninh",
    }
)

SUBHEADINGS: tuple[str, ...] = (
    "Kết quả đạt được",
    "Một số hạn chế, tồn tại",
    "Nhiệm vụ trọng tâm thời gian tới",
    "Giải pháp thực hiện",
)
LIST_ITEMS: tuple[str, ...] = (
    "Tiếp tục quán triệt, triển khai thực hiện nghiêm các văn bản chỉ đạo của cấp trên",
    "Tăng cường công tác tuyên truyền, vận động Nhân dân cùng tham gia",
    "Đẩy mạnh thực hiện dịch vụ công trực tuyến, thanh toán không dùng tiền mặt",
    "Kiểm tra, giám sát thường xuyên việc thực hiện tại các phường",
    "Kịp thời biểu dương, khen thưởng các tập thể, cá nhân tiêu biểu",
    "Định kỳ sơ kết, đánh giá và báo cáo kết quả về Ủy ban nhân dân quận",
)

CAPTION_TEMPLATES: tuple[str, ...] = (
    "Toàn cảnh {short}",
    "Quang cảnh {short}",
    "Đồng chí {person}, {role} phát biểu tại {short}",
    "Đồng chí {person}, {role} trao giấy khen cho các tập thể, cá nhân",
    "Các đại biểu tham dự {short}",
    "Lãnh đạo quận trao quà cho các hộ gia đình có hoàn cảnh khó khăn",
)

DOCUMENT_TITLES: tuple[str, ...] = (
    "Kế hoạch số {number}/KH-UBND",
    "Thông báo số {number}/TB-UBND",
    "Quyết định số {number}/QĐ-UBND",
    "Báo cáo số {number}/BC-UBND",
    "Hướng dẫn số {number}/HD-BDVQU",
)

DEAD_LINK_TITLES: tuple[str, ...] = (
    "Thông báo lịch tiếp công dân định kỳ của Chủ tịch Ủy ban nhân dân quận",
    "Kết quả lấy ý kiến Nhân dân về dự thảo quy hoạch khu dân cư",
    "Danh sách hộ kinh doanh được hỗ trợ chuyển đổi số",
)
