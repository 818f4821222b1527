import type { Lexicon } from './types.js';

/**
 * Languages of Asia written with spaces between words: Korean (particles attach to the word,
 * so most entries are stems), Hindi, Indonesian / Malay and Vietnamese (diacritics fold away,
 * so Vietnamese appears only in phrases that stay specific without them).
 */
export const ASIAN_SPACED: Lexicon = {
  code: [
    '코드*', '인증번호*', '인증코드*', '확인코드*', '보안코드*', '인증 번호*', '일회용 비밀번호*', 'कोड', 'ओटीपी',
    'kode', 'mã xác thực', 'mã xác minh', 'mã otp', 'mã kích hoạt', 'mã bảo mật', 'mã đăng nhập', 'mã xác nhận',
  ],
  number: ['번호*', 'संख्या', 'नंबर', 'nomor', 'nombor'],
  verify: ['인증번호*', '인증코드*', '인증 번호*', 'mã xác thực', 'mã xác minh', '인증*', '본인확인*', 'सत्यापन', 'सत्यापित', 'verifikasi', 'pengesahan', 'sahkan', 'xác thực', 'xác minh'],
  confirm: ['본인입니다', 'itu saya', '확인코드*', 'mã xác nhận', '확인*', 'पुष्टि', 'konfirmasi*', 'mengonfirmasi', 'setujui', 'xác nhận'],
  activate: ['mã kích hoạt', '활성화*', 'सक्रिय', 'aktivasi', 'aktifkan', 'kích hoạt'],
  login: ['mã đăng nhập', '로그인*', 'लॉगिन', 'लॉग इन', 'masuk', 'log masuk', 'đăng nhập'],
  onetime: ['일회용 비밀번호*', 'mã otp', '일회용*', '1회용*', 'एक बार', 'वन टाइम', 'sekali pakai', 'satu kali', 'một lần'],
  security: ['보안코드*', 'mã bảo mật', '보안*', 'सुरक्षा', 'keamanan', 'keselamatan', 'bảo mật'],
  enter: ['입력*', 'दर्ज', 'डालें', 'masukkan', 'gunakan', 'salin', 'nhập'],
  expire: ['유효*', '만료*', 'मान्य', 'समाप्त', 'berlaku', 'kedaluwarsa', 'tamat', 'hiệu lực', 'hết hạn'],
  click: ['클릭*', '버튼*', '링크*', '아래*', 'क्लिक', 'बटन', 'लिंक', 'klik', 'tombol', 'butang', 'tautan', 'pautan', 'nhấp', 'nhấn'],
  subscribe: ['구독*', 'berlangganan', 'langganan'],
  otherNumber: ['전화*', '우편번호*', '사업자*', 'telepon', 'alamat'],
  place: ['보관함*', '무인보관함*', '택배함*', '사물함*', '공동현관*', '현관*', '출입*', '기사님*', 'loker', 'pengemudi', 'kurir', 'ड्राइवर', 'एजेंट', 'डिलीवरी एजेंट', 'tài xế', 'shipper'],
  commerce: [
    '주문*', '배송*', '결제*', '쿠폰*', '할인*', '예약*', '티켓*', '영수증*', '구매*', '상품권*', 'ऑर्डर', 'चालान', 'डिलीवरी',
    'छूट', 'कूपन', 'बुकिंग', 'टिकट', 'भुगतान', 'pesanan*', 'tagihan', 'faktur', 'pengiriman', 'paket', 'diskon',
    'kupon', 'pemesanan', 'tiket', 'pembayaran', 'pembelian', 'resi', 'đơn hàng', 'hóa đơn', 'giao hàng', 'giảm giá',
    'mã giảm giá', 'khuyến mãi', 'đặt chỗ', 'thanh toán',
  ],
  topic: ['toko', 'keranjang'],
  linkNeg: ['수신거부*', '개인정보*', '고객센터*', '도움말*', '재설정*', 'berhenti berlangganan', 'privasi', 'bantuan', 'pusat bantuan'],
  warn: [
    '타인에게*', '공유하지*', '누구에게도*', '요청하지*', '무시*', 'साझा न करें', 'किसी के साथ', 'किसी को', 'jangan bagikan',
    'jangan berikan', 'siapa pun', 'siapapun', 'abaikan', 'không chia sẻ', 'tuyệt đối không', 'bất kỳ ai',
  ],
  done: ['인증되었습니다*', '완료되었습니다*', 'telah diverifikasi', 'sudah diverifikasi', 'berhasil diverifikasi', 'telah dikonfirmasi'],
  yes: ['네', '예', '본인입니다', 'ya', 'itu saya'],
  time: ['분*', '시간*', 'मिनट', 'घंटे', 'menit', 'jam', 'minit', 'phút', 'giờ'],
};
