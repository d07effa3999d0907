import { parseAuthorizerInfo } from './profile.util';

/** The mini-program example of wechat-protocol.md §3.5. */
const MINI_PROGRAM = {
  nick_name: '小程序名称',
  head_img: 'http://wx.qlogo.cn/mmopen/x',
  service_type_info: { id: 0 },
  verify_type_info: { id: 0 },
  user_name: 'gh_eb5e3a772040',
  alias: '',
  qrcode_url: 'http://mmbiz.qpic.cn/y',
  principal_name: '腾讯计算机系统有限公司',
  signature: '小程序简介',
  business_info: { open_pay: 0, open_shake: 0, open_scan: 0, open_card: 0, open_store: 0 },
  MiniProgramInfo: {
    network: {
      RequestDomain: ['https://www.qq.com'],
      WsRequestDomain: ['wss://www.qq.com'],
      UploadDomain: ['https://www.qq.com'],
      DownloadDomain: ['https://www.qq.com'],
      UDPDomain: [],
      TCPDomain: [],
      BizDomain: [],
    },
    categories: [{ first: '工具', second: '效率' }],
    visit_status: 0,
  },
  register_type: 0,
  account_status: 1,
  basic_config: { is_phone_configured: true, is_email_configured: true },
};

describe('parseAuthorizerInfo', () => {
  it('reads the documented mini-program profile into our names', () => {
    expect(parseAuthorizerInfo(MINI_PROGRAM)).toEqual({
      authorizerType: 'mini_program',
      nickName: '小程序名称',
      userName: 'gh_eb5e3a772040',
      headImg: 'http://wx.qlogo.cn/mmopen/x',
      alias: '',
      principalName: '腾讯计算机系统有限公司',
      signature: '小程序简介',
      qrcodeUrl: 'http://mmbiz.qpic.cn/y',
      serviceType: 0,
      verifyType: 0,
      accountStatus: 1,
      miniProgram: {
        network: {
          requestDomain: ['https://www.qq.com'],
          wsRequestDomain: ['wss://www.qq.com'],
          uploadDomain: ['https://www.qq.com'],
          downloadDomain: ['https://www.qq.com'],
          udpDomain: [],
          tcpDomain: [],
          bizDomain: [],
        },
        categories: [{ first: '工具', second: '效率' }],
        visitStatus: 0,
      },
    });
  });

  it('is an official account without MiniProgramInfo, with -1 (not verified) and 2 (服务号) kept', () => {
    const profile = parseAuthorizerInfo({
      nick_name: '公众号',
      user_name: 'gh_1',
      service_type_info: { id: 2 },
      verify_type_info: { id: -1 },
      account_status: 14,
    });
    expect(profile).toMatchObject({
      authorizerType: 'official_account',
      serviceType: 2,
      verifyType: -1,
      accountStatus: 14,
      miniProgram: null,
      headImg: null,
    });
  });

  it('turns odd or missing fields into null or empty instead of failing the whole profile', () => {
    const profile = parseAuthorizerInfo({
      nick_name: 42,
      service_type_info: 'x',
      account_status: '1',
      MiniProgramInfo: {
        network: { RequestDomain: ['https://a', 7, null] },
        categories: [null, { first: 'A' }],
      },
    });
    expect(profile.nickName).toBe('');
    expect(profile.userName).toBe('');
    expect(profile.serviceType).toBeNull();
    expect(profile.accountStatus).toBeNull();
    expect(profile.miniProgram?.network.requestDomain).toEqual(['https://a']);
    expect(profile.miniProgram?.network.bizDomain).toEqual([]);
    expect(profile.miniProgram?.categories).toEqual([{ first: 'A', second: '' }]);
    expect(profile.miniProgram?.visitStatus).toBeNull();
  });

  it('cuts texts to the lengths the columns hold', () => {
    const profile = parseAuthorizerInfo({ nick_name: 'n'.repeat(300), signature: 's'.repeat(2000) });
    expect(profile.nickName).toHaveLength(255);
    expect(profile.signature).toHaveLength(1024);
  });
});
